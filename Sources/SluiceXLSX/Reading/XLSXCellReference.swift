/// A1-style cell references: column letters (`A` = 1 … `XFD` = 16384) and 1-based rows.
enum XLSXCellReference {
    /// What an `r` attribute or a range bound holds.
    struct Parsed: Equatable {
        /// 1-based column, `nil` when the text had no letters.
        var column: Int?
        /// 1-based row, `nil` when the text had no digits.
        var row: Int?
    }

    /// Parses `[letters][digits]` (either may be missing, not both; `$` anchors are allowed).
    /// `nil` for anything else, or a column or row beyond Excel's limits.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Parsed? {
        var i = 0
        let n = bytes.count
        if i < n, bytes[i] == UInt8(ascii: "$") { i += 1 }
        var column = 0
        var letters = 0
        while i < n {
            let b = bytes[i] | 0x20
            guard b >= UInt8(ascii: "a"), b <= UInt8(ascii: "z") else { break }
            column = column * 26 + Int(b - UInt8(ascii: "a") + 1)
            letters += 1
            guard letters <= 3 else { return nil }
            i += 1
        }
        if i < n, bytes[i] == UInt8(ascii: "$") { i += 1 }
        var row = 0
        var digits = 0
        while i < n {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            row = row * 10 + Int(d)
            digits += 1
            guard digits <= 7 else { return nil }
            i += 1
        }
        guard i == n, letters + digits > 0 else { return nil }
        guard letters == 0 || column <= XLSXLimits.maximumColumns, digits == 0 || (row >= 1 && row <= XLSXLimits.maximumRows) else {
            return nil
        }
        return Parsed(column: letters > 0 ? column : nil, row: digits > 0 ? row : nil)
    }

    /// Parses `text` (see ``parse(_:)``).
    static func parse(_ text: String) -> Parsed? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// The letters of 1-based `column` (`1` → `A`, `28` → `AB`).
    static func letters(_ column: Int) -> String {
        String(decoding: letterBytes(column), as: UTF8.self)
    }

    /// The letters of 1-based `column` as ASCII bytes.
    static func letterBytes(_ column: Int) -> [UInt8] {
        var n = column
        var out: [UInt8] = []
        while n > 0 {
            let r = (n - 1) % 26
            out.append(UInt8(ascii: "A") + UInt8(truncatingIfNeeded: r))
            n = (n - 1) / 26
        }
        return out.reversed()
    }

    /// `B7` for column 2, row 7.
    static func name(column: Int, row: Int) -> String { "\(letters(column))\(row)" }
}
