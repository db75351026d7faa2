import SluiceCore

/// Reads what pagination needs from a page's body without decoding its records: the value at
/// a dotted path (a cursor, a next URL, a total) and the number of elements of the records
/// array. A scan skips values without building them (the records array by its structure
/// alone), so the next page's request can start before this page is decoded.
enum PageScan {
    /// The value at `path` (`paging.next`) of an object body; nil when it is absent, null, or
    /// the body is not an object.
    static func value(at path: String, in body: UnsafeRawBufferPointer) -> Value? {
        var cursor = JSONCursor(body, at: 0)
        do {
            guard try seek(path.split(separator: "."), with: &cursor) else { return nil }
            let start = cursor.i
            try cursor.skipValue(depth: 1)
            let value = try JSONParser.parse(UnsafeRawBufferPointer(rebasing: body[start..<cursor.i]))
            return value.isNull ? nil : value
        } catch {
            return nil
        }
    }

    /// The elements of the records array: at `recordsPath`, else the body itself when it is an
    /// array, else an object's only member that is an array; nil when there is no such array
    /// (or the body is malformed: the decoder then says why).
    static func recordCount(recordsPath: String?, in body: UnsafeRawBufferPointer) -> Int? {
        var cursor = JSONCursor(body, at: 0)
        do {
            if let recordsPath {
                guard try seek(recordsPath.split(separator: "."), with: &cursor) else { return nil }
                return try count(&cursor)
            }
            cursor.skipSpace()
            guard !cursor.atEnd else { return nil }
            if body[cursor.i] == UInt8(ascii: "[") { return try count(&cursor) }
            guard body[cursor.i] == UInt8(ascii: "{") else { return nil }
            var found: Int?
            var arrays = 0
            try members(&cursor) { (cursor: inout JSONCursor) throws(JSONScanError) -> Bool in
                if body[cursor.i] == UInt8(ascii: "[") {
                    arrays += 1
                    found = try count(&cursor)
                } else {
                    try cursor.skipValue(depth: 2)
                }
                return true
            }
            return arrays == 1 ? found : nil
        } catch {
            return nil
        }
    }

    /// Moves the cursor to the value at `path`; false when a step is missing.
    private static func seek(_ path: [Substring], with cursor: inout JSONCursor) throws(JSONScanError) -> Bool {
        for (depth, key) in path.enumerated() {
            cursor.skipSpace()
            guard !cursor.atEnd, cursor.p[cursor.i] == UInt8(ascii: "{") else { return false }
            var matched = false
            let wanted = Array(key.utf8)
            try members(
                &cursor, keyed: { name in name == wanted },
                visit: { (_: inout JSONCursor) throws(JSONScanError) -> Bool in
                    matched = true
                    return false
                },
                skipping: { (cursor: inout JSONCursor) throws(JSONScanError) in try cursor.skipValue(depth: depth + 2) })
            guard matched else { return false }
        }
        cursor.skipSpace()
        return !cursor.atEnd
    }

    /// Counts an array's elements by their structure (``JSONArrayCounter``), the cursor at its
    /// `[`; leaves it after the `]`.
    private static func count(_ cursor: inout JSONCursor) throws(JSONScanError) -> Int? {
        cursor.skipSpace()
        guard !cursor.atEnd, cursor.p[cursor.i] == UInt8(ascii: "[") else { return nil }
        guard let (elements, end) = JSONArrayCounter.count(in: cursor.p, from: cursor.i) else {
            throw cursor.error("malformed array")
        }
        cursor.i = end
        return elements
    }

    /// Walks an object's members, the cursor at its `{`, calling `visit` with the cursor at each
    /// value, until `visit` returns false.
    private static func members(
        _ cursor: inout JSONCursor, visit: (inout JSONCursor) throws(JSONScanError) -> Bool
    ) throws(JSONScanError) {
        try members(&cursor, keyed: { _ in true }, visit: visit, skipping: { (_: inout JSONCursor) throws(JSONScanError) in })
    }

    /// Walks an object's members: `visit` sees the values whose key `matches` (and ends the walk
    /// by returning false); `skipping` moves past the others.
    private static func members(
        _ cursor: inout JSONCursor, keyed matches: ([UInt8]) -> Bool, visit: (inout JSONCursor) throws(JSONScanError) -> Bool,
        skipping skip: (inout JSONCursor) throws(JSONScanError) -> Void
    ) throws(JSONScanError) {
        cursor.i += 1
        var scratch: [UInt8] = []
        while true {
            cursor.skipSpace()
            guard !cursor.atEnd else { throw cursor.error("unexpected end of input in object") }
            if cursor.p[cursor.i] == UInt8(ascii: "}") { return }
            guard cursor.p[cursor.i] == UInt8(ascii: "\"") else { throw cursor.error("expected a string key") }
            scratch.removeAll(keepingCapacity: true)
            let name: [UInt8]
            switch try cursor.scanString(into: &scratch) {
            case .raw(let start, let end): name = Array(UnsafeRawBufferPointer(rebasing: cursor.p[start..<end]))
            case .decoded(let start, let end): name = Array(scratch[start..<end])
            }
            cursor.skipSpace()
            guard !cursor.atEnd, cursor.p[cursor.i] == UInt8(ascii: ":") else { throw cursor.error("expected ':' after key") }
            cursor.i += 1
            cursor.skipSpace()
            guard !cursor.atEnd else { throw cursor.error("unexpected end of input") }
            if matches(name) {
                guard try visit(&cursor) else { return }
            } else {
                try skip(&cursor)
            }
            cursor.skipSpace()
            guard !cursor.atEnd else { throw cursor.error("unexpected end of input in object") }
            if cursor.p[cursor.i] == UInt8(ascii: "}") {
                cursor.i += 1
                return
            }
            guard cursor.p[cursor.i] == UInt8(ascii: ",") else { throw cursor.error("expected ',' or '}'") }
            cursor.i += 1
        }
    }
}
