import SluiceCore

/// Locates the records array at a dotted `recordsPath` inside a top-level object, from the
/// document's first bytes, and checks what follows the array.
struct JSONRecordsPath: Sendable {
    /// What a look at the buffered start of the document found.
    enum Location {
        /// The array starts; its first element is at or after `offset`. `depth` objects enclose it.
        case found(offset: Int, depth: Int)
        /// The buffer ends before the array starts.
        case needMore
        /// The path does not lead to an array; the message says why.
        case missing(String)
        /// The document is not valid JSON.
        case invalid(JSONScanError)
    }

    /// The path as written, for messages.
    let path: String
    let components: [[UInt8]]

    init(_ path: String) {
        self.path = path
        components = path.split(separator: ".", omittingEmptySubsequences: true).map { Array($0.utf8) }
    }

    /// Looks for the array in `p`, which starts at the document's top-level `{`.
    func locate(_ p: UnsafeRawBufferPointer, final: Bool) -> Location {
        var c = JSONCursor(p, at: 0)
        var scratch: [UInt8] = []
        do throws(JSONScanError) {
            c.skipSpace()
            for (level, name) in components.enumerated() {
                let last = level == components.count - 1
                // The cursor is at the `{` of the object that should hold `name`.
                c.i += 1
                var first = true
                while true {
                    c.skipSpace()
                    guard !c.atEnd else { throw c.error(first ? "expected a string key" : "unexpected end of input in object") }
                    if first, p[c.i] == UInt8(ascii: "}") { return .missing(noKey(level)) }
                    first = false
                    guard p[c.i] == UInt8(ascii: "\"") else { throw c.error("expected a string key") }
                    scratch.removeAll(keepingCapacity: true)
                    let matches: Bool
                    switch try c.scanString(into: &scratch) {
                    case .raw(let s, let e): matches = UnsafeRawBufferPointer(rebasing: p[s..<e]).elementsEqual(name)
                    case .decoded(let s, let e): matches = scratch[s..<e].elementsEqual(name)
                    }
                    c.skipSpace()
                    guard !c.atEnd, p[c.i] == UInt8(ascii: ":") else { throw c.error("expected ':' after key") }
                    c.i += 1
                    c.skipSpace()
                    if matches {
                        guard !c.atEnd else { throw c.error("unexpected end of input") }
                        let kind = JSONCursor.kindName(startingWith: p[c.i])
                        if last {
                            guard p[c.i] == UInt8(ascii: "[") else {
                                return .missing("recordsPath '\(path)' is \(article(kind)), not an array of records")
                            }
                            return .found(offset: c.i + 1, depth: components.count)
                        }
                        guard p[c.i] == UInt8(ascii: "{") else {
                            return .missing("recordsPath '\(path)' not found: '\(prefix(level))' is \(article(kind)), not an object")
                        }
                        break
                    }
                    try c.skipValue(depth: level + 2)
                    c.skipSpace()
                    guard !c.atEnd else { throw c.error("unexpected end of input in object") }
                    if p[c.i] == UInt8(ascii: "}") { return .missing(noKey(level)) }
                    guard p[c.i] == UInt8(ascii: ",") else { throw c.error("expected ',' or '}' in object") }
                    c.i += 1
                }
            }
            return .missing("recordsPath is empty")
        } catch {
            if error.truncated, !final { return .needMore }
            return .invalid(error)
        }
    }

    /// Checks the text after the records array: the rest of the `depth` enclosing objects,
    /// then only spaces. Returns the first problem.
    static func checkTrailer(_ p: UnsafeRawBufferPointer, depth: Int) -> JSONScanError? {
        var c = JSONCursor(p, at: 0)
        var scratch: [UInt8] = []
        do throws(JSONScanError) {
            for level in 0..<depth {
                while true {
                    c.skipSpace()
                    guard !c.atEnd else { throw c.error("unexpected end of input in object") }
                    if p[c.i] == UInt8(ascii: "}") {
                        c.i += 1
                        break
                    }
                    guard p[c.i] == UInt8(ascii: ",") else { throw c.error("expected ',' or '}' in object") }
                    c.i += 1
                    c.skipSpace()
                    guard !c.atEnd, p[c.i] == UInt8(ascii: "\"") else { throw c.error("expected a string key") }
                    _ = try c.scanString(into: &scratch)
                    c.skipSpace()
                    guard !c.atEnd, p[c.i] == UInt8(ascii: ":") else { throw c.error("expected ':' after key") }
                    c.i += 1
                    c.skipSpace()
                    try c.skipValue(depth: depth - level + 1)
                }
            }
            c.skipSpace()
            if !c.atEnd { throw c.error("unexpected data after the JSON value") }
            return nil
        } catch {
            return error
        }
    }

    private func prefix(_ level: Int) -> String {
        components[0...level].map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")
    }

    private func noKey(_ level: Int) -> String {
        let name = String(decoding: components[level], as: UTF8.self)
        let place = level == 0 ? "the top-level object" : "the object at '\(prefix(level - 1))'"
        return "recordsPath '\(path)' not found: \(place) has no key '\(name)'"
    }

    private func article(_ kind: String) -> String {
        kind == "array" || kind == "object" ? "an \(kind)" : "a \(kind)"
    }
}
