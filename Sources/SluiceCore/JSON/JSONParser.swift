/// A byte-level JSON parser producing ``Value``s.
///
/// Hand-written rather than Foundation's `JSONSerialization`/`JSONDecoder`: it is several
/// times faster on records, keeps object keys in document order (which `JSONDecoder` does
/// not promise), and reports errors by byte offset so readers can name a line. Strings,
/// numbers and literals are scanned by ``JSONCursor``, the one JSON tokenizer the streaming
/// record readers use too, so both read exactly the same JSON.
public struct JSONParser {
    /// Nesting deeper than this is rejected rather than risking the stack (`maximumDepth`).
    public static let maximumDepth = 512

    /// How a number beyond the range of a double (`1e400`, `-1e999`) is read.
    public enum OutOfRangeNumbers: Sendable {
        /// As an infinite double, which JSON output writes as `null` (data files).
        case infinity
        /// As a syntax error at the number's offset (specs, request bodies).
        case error
    }

    var cursor: JSONCursor
    var depth = 0
    /// Where escaped strings are decoded.
    var scratch: [UInt8] = []
    let outOfRangeNumbers: OutOfRangeNumbers

    init(bytes: UnsafeRawBufferPointer, outOfRangeNumbers: OutOfRangeNumbers) {
        cursor = JSONCursor(bytes, at: 0)
        self.outOfRangeNumbers = outOfRangeNumbers
    }

    /// Parses one complete JSON document; trailing non-space bytes are an error, and so is a
    /// number beyond a double's range when `outOfRangeNumbers` says so.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, outOfRangeNumbers: OutOfRangeNumbers = .infinity
    ) throws(JSONParseError) -> Value {
        var parser = JSONParser(bytes: bytes, outOfRangeNumbers: outOfRangeNumbers)
        do throws(JSONScanError) {
            parser.cursor.skipSpace()
            let value = try parser.parseValue()
            parser.cursor.skipSpace()
            guard parser.cursor.atEnd else { throw parser.cursor.error("unexpected data after the JSON value") }
            return value
        } catch {
            throw JSONParseError(offset: error.offset, message: error.message)
        }
    }

    /// Parses one complete JSON document from `bytes`.
    public static func parse(_ bytes: [UInt8], outOfRangeNumbers: OutOfRangeNumbers = .infinity) throws(JSONParseError) -> Value {
        do {
            return try bytes.withUnsafeBytes { raw in try parse(raw, outOfRangeNumbers: outOfRangeNumbers) }
        } catch let error as JSONParseError {
            throw error
        } catch {
            throw JSONParseError(offset: 0, message: "\(error)")
        }
    }

    /// Parses one complete JSON document from `text`.
    public static func parse(_ text: String) throws(JSONParseError) -> Value {
        try parse(Array(text.utf8))
    }

    mutating func parseValue() throws(JSONScanError) -> Value {
        guard !cursor.atEnd else { throw cursor.error("unexpected end of input") }
        switch cursor.p[cursor.i] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try cursor.expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try cursor.expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try cursor.expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = cursor.i
            switch try cursor.scanNumber() {
            case .int(let i): return .int(i)
            case .double(let d):
                if !d.isFinite, outOfRangeNumbers == .error {
                    throw JSONScanError(
                        offset: start, message: "number out of range (a double reaches about ±1.8e308)", truncated: false)
                }
                return .double(d)
            }
        default:
            throw cursor.error("unexpected character '\(JSONCursor.printable(cursor.p[cursor.i]))'")
        }
    }

    mutating func enter() throws(JSONScanError) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw cursor.error("nesting deeper than \(JSONParser.maximumDepth) levels")
        }
    }

    /// Whether the byte at the cursor is `byte`.
    private func at(_ byte: UInt8) -> Bool { !cursor.atEnd && cursor.p[cursor.i] == byte }

    mutating func parseObject() throws(JSONScanError) -> ValueObject {
        try enter()
        defer { depth -= 1 }
        cursor.i += 1
        var object = ValueObject()
        cursor.skipSpace()
        if at(UInt8(ascii: "}")) {
            cursor.i += 1
            return object
        }
        while true {
            cursor.skipSpace()
            guard at(UInt8(ascii: "\"")) else { throw cursor.error("expected a string key") }
            let key = try parseString()
            cursor.skipSpace()
            guard at(UInt8(ascii: ":")) else { throw cursor.error("expected ':' after key") }
            cursor.i += 1
            cursor.skipSpace()
            object[key] = try parseValue()
            cursor.skipSpace()
            guard !cursor.atEnd else { throw cursor.error("unexpected end of input in object") }
            if at(UInt8(ascii: ",")) {
                cursor.i += 1
                continue
            }
            if at(UInt8(ascii: "}")) {
                cursor.i += 1
                return object
            }
            throw cursor.error("expected ',' or '}' in object")
        }
    }

    mutating func parseArray() throws(JSONScanError) -> [Value] {
        try enter()
        defer { depth -= 1 }
        cursor.i += 1
        var items: [Value] = []
        cursor.skipSpace()
        if at(UInt8(ascii: "]")) {
            cursor.i += 1
            return items
        }
        while true {
            cursor.skipSpace()
            items.append(try parseValue())
            cursor.skipSpace()
            guard !cursor.atEnd else { throw cursor.error("unexpected end of input in array") }
            if at(UInt8(ascii: ",")) {
                cursor.i += 1
                continue
            }
            if at(UInt8(ascii: "]")) {
                cursor.i += 1
                return items
            }
            throw cursor.error("expected ',' or ']' in array")
        }
    }

    /// Parses a string starting at its opening quote.
    mutating func parseString() throws(JSONScanError) -> String {
        scratch.removeAll(keepingCapacity: true)
        switch try cursor.scanString(into: &scratch) {
        case .raw(let start, let end):
            return String(decoding: UnsafeRawBufferPointer(rebasing: cursor.p[start..<end]), as: UTF8.self)
        case .decoded(let start, let end):
            return String(decoding: scratch[start..<end], as: UTF8.self)
        }
    }
}

/// A JSON syntax error at a byte offset.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// Byte offset of the error from the start of the parsed text.
    public var offset: Int
    /// What was wrong.
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}
