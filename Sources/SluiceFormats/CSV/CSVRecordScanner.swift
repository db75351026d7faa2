/// Where one CSV cell lies in the buffer it was scanned from.
struct CSVCell {
    /// How the cell's text is read from its bytes.
    enum Kind: UInt8 {
        /// Unquoted: the text is `start..<end`.
        case plain
        /// Quoted without escapes: the text is `start..<end` (between the quotes).
        case quoted
        /// Quoted with `""` escapes or text after the closing quote: `start` is the opening
        /// quote, `end` the end of the cell; ``CSVRecordScanner/unescape(_:_:into:)`` reads it.
        case escaped
    }

    var start: Int
    var end: Int
    var kind: Kind
}

/// Splits CSV records (RFC 4180) into cells without copying, in one pass over the bytes.
///
/// Malformed quoting is read as Python's `csv` module reads it: text after a closing quote
/// is appended to the cell, and a quote inside an unquoted cell is an ordinary character.
struct CSVRecordScanner: Sendable {
    /// What one call to ``scanRecord(_:from:final:)`` found.
    enum Result {
        /// A record ending just before `end`, spanning `lineFeeds` line feeds (its own included).
        case record(end: Int, lineFeeds: Int)
        /// The record may continue past the buffer.
        case incomplete
        /// A quoted cell is still open at the end of the input.
        case unterminated(end: Int, lineFeeds: Int)
        /// No bytes are left.
        case endOfInput
    }

    let delimiter: UInt8
    /// The cells of the last record scanned.
    private(set) var cells: [CSVCell] = []

    init(delimiter: UInt8) {
        self.delimiter = delimiter
        cells.reserveCapacity(64)
    }

    /// Scans the record starting at `start`; with `final`, the buffer end is the end of input.
    mutating func scanRecord(_ p: UnsafeRawBufferPointer, from start: Int, final: Bool) -> Result {
        cells.removeAll(keepingCapacity: true)
        let n = p.count
        let delim = delimiter
        let quote = UInt8(ascii: "\"")
        var i = start
        var lineFeeds = 0
        if i == n { return final ? .endOfInput : .incomplete }
        while true {
            if i == n {
                // A delimiter was the last byte of the input: one more, empty cell.
                guard final else { return .incomplete }
                cells.append(CSVCell(start: i, end: i, kind: .plain))
                return .record(end: n, lineFeeds: lineFeeds)
            }
            if p[i] != quote {
                let s = i
                var b: UInt8 = 0
                while i < n {
                    b = p[i]
                    if b == delim || b == 0x0A { break }
                    i += 1
                }
                if i < n, b == delim {
                    cells.append(CSVCell(start: s, end: i, kind: .plain))
                    i += 1
                    continue
                }
                if i == n, !final { return .incomplete }
                var e = i
                if e > s, p[e - 1] == 0x0D { e -= 1 }
                cells.append(CSVCell(start: s, end: e, kind: .plain))
                return i == n ? .record(end: n, lineFeeds: lineFeeds) : .record(end: i + 1, lineFeeds: lineFeeds + 1)
            }
            // A quoted cell: find the closing quote, counting the line feeds it encloses.
            let open = i
            i += 1
            var escaped = false
            while true {
                while i < n, p[i] != quote {
                    if p[i] == 0x0A { lineFeeds += 1 }
                    i += 1
                }
                if i == n {
                    guard final else { return .incomplete }
                    return .unterminated(end: n, lineFeeds: lineFeeds)
                }
                if i + 1 == n {
                    guard final else { return .incomplete }
                    break
                }
                if p[i + 1] == quote {
                    escaped = true
                    i += 2
                    continue
                }
                break
            }
            let contentEnd = i
            i += 1
            let simple = CSVCell(start: open + 1, end: contentEnd, kind: escaped ? .escaped : .quoted)
            let cell = escaped ? CSVCell(start: open, end: i, kind: .escaped) : simple
            if i == n {
                cells.append(cell)
                return .record(end: n, lineFeeds: lineFeeds)
            }
            let next = p[i]
            if next == delim {
                cells.append(cell)
                i += 1
                continue
            }
            if next == 0x0A {
                cells.append(cell)
                return .record(end: i + 1, lineFeeds: lineFeeds + 1)
            }
            if next == 0x0D {
                if i + 1 == n {
                    guard final else { return .incomplete }
                    cells.append(cell)
                    return .record(end: n, lineFeeds: lineFeeds)
                }
                if p[i + 1] == 0x0A {
                    cells.append(cell)
                    return .record(end: i + 2, lineFeeds: lineFeeds + 1)
                }
            }
            // Text after the closing quote belongs to the cell, up to the next delimiter.
            var b: UInt8 = 0
            while i < n {
                b = p[i]
                if b == delim || b == 0x0A { break }
                i += 1
            }
            if i == n, !final { return .incomplete }
            var e = i
            if (i == n || b == 0x0A), p[e - 1] == 0x0D { e -= 1 }
            cells.append(CSVCell(start: open, end: e, kind: .escaped))
            if i == n { return .record(end: n, lineFeeds: lineFeeds) }
            if b == delim {
                i += 1
                continue
            }
            return .record(end: i + 1, lineFeeds: lineFeeds + 1)
        }
    }

    /// Appends the text of an ``CSVCell/Kind/escaped`` cell: `""` becomes `"`, and text after
    /// the closing quote is kept as it is.
    static func unescape(_ p: UnsafeRawBufferPointer, _ cell: CSVCell, into out: inout [UInt8]) {
        let quote = UInt8(ascii: "\"")
        var i = cell.start + 1
        let end = cell.end
        var runStart = i
        while i < end {
            guard p[i] == quote else {
                i += 1
                continue
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[runStart..<i]))
            if i + 1 < end, p[i + 1] == quote {
                out.append(quote)
                i += 2
                runStart = i
                continue
            }
            // The closing quote: the rest is literal.
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[(i + 1)..<end]))
            return
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[runStart..<end]))
    }
}
