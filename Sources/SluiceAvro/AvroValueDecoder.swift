// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore
import SluiceFormats

/// Decodes Avro binary values of a schema into ``Value``s (following the conventions of
/// ``LogicalType``), or skips them without building anything.
///
/// Two kinds of failure: bytes that cannot be Avro data of the schema (a union index out of
/// range, a length past the end) throw ``AvroDataError`` — the rest of the block cannot be
/// read; a value that is well-formed but unusable (text that is not UTF-8, a date beyond the
/// timestamp range) is read past, becomes `.null`, and its reason goes to `issue`, so the
/// record is refused alone.
struct AvroValueDecoder: Sendable {
    let schema: AvroSchema
    let invalidUTF8: InvalidUTF8Handling
    /// How many more items of zero-size types (`null`, empty records) the current block may
    /// declare; reset per block.
    var zeroSizeBudget = AvroLimits.maximumZeroSizeItems

    init(schema: AvroSchema, invalidUTF8: InvalidUTF8Handling) {
        self.schema = schema
        self.invalidUTF8 = invalidUTF8
    }

    /// Checks an item count read from the file against the bytes that remain (each item takes
    /// at least `minimumSize` bytes) or, for zero-size items, against the block's budget.
    mutating func checkCount(_ count: Int, minimumSize: Int, _ cursor: AvroCursor, at offset: Int, what: String) throws(AvroDataError) {
        if minimumSize > 0 {
            guard count <= cursor.remaining / minimumSize else {
                throw AvroDataError(
                    message: "\(what) declares \(count) items of at least \(minimumSize) bytes but only \(cursor.remaining) bytes remain",
                    offset: offset)
            }
        } else {
            guard count <= zeroSizeBudget else {
                throw AvroDataError(
                    message: "\(what) declares \(count) items that take no bytes, more than the limit of \(AvroLimits.maximumZeroSizeItems) per block",
                    offset: offset)
            }
            zeroSizeBudget -= count
        }
    }

    /// Counts one value that takes no bytes (`null`, a zero-size fixed, a field-less record)
    /// against the block's budget: a schema nesting such types could otherwise make one
    /// record cost exponential time while taking no input.
    @inline(__always)
    mutating func spendZeroSize(_ cursor: AvroCursor) throws(AvroDataError) {
        guard zeroSizeBudget > 0 else {
            throw AvroDataError(
                message: "the block holds more than \(AvroLimits.maximumZeroSizeItems) values that take no bytes", offset: cursor.position)
        }
        zeroSizeBudget -= 1
    }

    /// Reads the count of the next array or map block (0 at the end); a negative count is
    /// followed by the block's byte size, which is checked and returned.
    mutating func readBlockCount(_ cursor: inout AvroCursor, minimumSize: Int, what: String) throws(AvroDataError) -> (count: Int, bytes: Int?) {
        let offset = cursor.position
        let raw = try cursor.readLong()
        if raw == 0 { return (0, nil) }
        var bytes: Int?
        guard let count = Int(exactly: raw.magnitude) else {
            throw AvroDataError(message: "\(what) block count \(raw) is out of range", offset: offset)
        }
        if raw < 0 {
            let sizeOffset = cursor.position
            let size = try cursor.readLong()
            guard size >= 0, size <= cursor.remaining else {
                throw AvroDataError(message: "\(what) block size \(size) is negative or past the end (\(cursor.remaining) bytes remain)", offset: sizeOffset)
            }
            bytes = size
        }
        try checkCount(count, minimumSize: minimumSize, cursor, at: offset, what: what)
        return (count, bytes)
    }

    /// Reads a union's branch index and checks it.
    @inline(__always)
    func readBranch(_ cursor: inout AvroCursor, count: Int) throws(AvroDataError) -> Int {
        let offset = cursor.position
        let index = try cursor.readLong()
        guard index >= 0, index < count else {
            throw AvroDataError(message: "union branch index \(index) is out of range (the union has \(count) branches)", offset: offset)
        }
        return index
    }

    /// Reads an enum's symbol index and checks it.
    @inline(__always)
    func readSymbol(_ cursor: inout AvroCursor, count: Int, name: String) throws(AvroDataError) -> Int {
        let offset = cursor.position
        let index = try cursor.readInt()
        guard index >= 0, index < count else {
            throw AvroDataError(message: "enum \(name) symbol index \(index) is out of range (it has \(count) symbols)", offset: offset)
        }
        return index
    }

    /// The value of type `node` at the cursor.
    mutating func value(_ node: Int, _ cursor: inout AvroCursor, depth: Int, issue: inout String?) throws(AvroDataError) -> Value {
        guard depth <= AvroLimits.maximumValueDepth else {
            throw AvroDataError(message: "values are nested more than \(AvroLimits.maximumValueDepth) deep", offset: cursor.position)
        }
        let type = schema[node]
        switch type.kind {
        case .null:
            try spendZeroSize(cursor)
            return .null
        case .boolean:
            return .bool(try cursor.readBoolean())
        case .int:
            let raw = try cursor.readInt()
            guard let logical = type.logical else { return .int(raw) }
            return AvroLogicalValues.int(raw, logical, issue: &issue)
        case .long:
            let raw = try cursor.readLong()
            guard let logical = type.logical else { return .int(raw) }
            return AvroLogicalValues.long(raw, logical, issue: &issue)
        case .float:
            return .double(Double(try cursor.readFloat()))
        case .double:
            return .double(try cursor.readDouble())
        case .bytes:
            let bytes = try cursor.readBytes()
            return AvroLogicalValues.bytes(bytes, type.logical, issue: &issue)
        case .fixed(_, let size):
            if size == 0 { try spendZeroSize(cursor) }
            let bytes = try cursor.readFixed(size)
            return AvroLogicalValues.bytes(bytes, type.logical, issue: &issue)
        case .string:
            let bytes = try cursor.readBytes()
            let start = cursor.position - bytes.count
            return string(bytes, uuid: type.logical == .uuid, at: start, issue: &issue)
        case .enumeration(let name, let symbols):
            return .string(symbols[try readSymbol(&cursor, count: symbols.count, name: name)])
        case .record(_, let fields):
            if fields.isEmpty { try spendZeroSize(cursor) }
            var object = ValueObject()
            for field in fields {
                object.appendUnchecked(key: field.name, value: try value(field.type, &cursor, depth: depth + 1, issue: &issue))
            }
            return .object(object)
        case .array(let items):
            var result: [Value] = []
            let itemSize = schema[items].minimumSize
            while true {
                let (count, _) = try readBlockCount(&cursor, minimumSize: itemSize, what: "an array")
                if count == 0 { break }
                result.reserveCapacity(result.count + min(count, 4096))
                for _ in 0..<count { result.append(try value(items, &cursor, depth: depth + 1, issue: &issue)) }
            }
            return .array(result)
        case .map(let values):
            var keys = AvroMapKeys()
            let entrySize = schema[values].minimumSize.addingReportingOverflow(1)
            while true {
                let (count, _) = try readBlockCount(&cursor, minimumSize: entrySize.overflow ? Int.max : entrySize.partialValue, what: "a map")
                if count == 0 { break }
                for _ in 0..<count {
                    let keyBytes = try cursor.readBytes()
                    let keyStart = cursor.position - keyBytes.count
                    let key = string(keyBytes, uuid: false, at: keyStart, issue: &issue)
                    let item = try value(values, &cursor, depth: depth + 1, issue: &issue)
                    keys.set(key.stringValue ?? "", item)
                }
            }
            return .object(keys.object)
        case .union(let branches):
            let branch = try readBranch(&cursor, count: branches.count)
            return try value(branches[branch], &cursor, depth: depth + 1, issue: &issue)
        }
    }

    /// `bytes` of a `string` as a value: refused (`.null` and an issue) or repaired when not
    /// UTF-8, as the options say; a UUID in lower case.
    func string(_ bytes: UnsafeRawBufferPointer, uuid: Bool, at offset: Int, issue: inout String?) -> Value {
        if let bad = AvroText.firstInvalid(bytes) {
            switch invalidUTF8 {
            case .reject:
                if issue == nil { issue = "invalid UTF-8 at byte \(bad) of a string (block data offset \(offset + bad))" }
                return .null
            case .replace:
                return .string(String(decoding: bytes, as: UTF8.self))
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return .string(uuid ? AvroLogicalValues.canonicalUUID(text) : text)
    }

    /// Reads past a value of type `node` without building it.
    mutating func skip(_ node: Int, _ cursor: inout AvroCursor, depth: Int) throws(AvroDataError) {
        guard depth <= AvroLimits.maximumValueDepth else {
            throw AvroDataError(message: "values are nested more than \(AvroLimits.maximumValueDepth) deep", offset: cursor.position)
        }
        switch schema[node].kind {
        case .null: try spendZeroSize(cursor)
        case .boolean: _ = try cursor.readBoolean()
        case .int: _ = try cursor.readInt()
        case .long: _ = try cursor.readLong()
        case .float: try cursor.skip(4)
        case .double: try cursor.skip(8)
        case .bytes, .string: _ = try cursor.readBytes()
        case .fixed(_, let size):
            if size == 0 { try spendZeroSize(cursor) }
            try cursor.skip(size)
        case .enumeration(let name, let symbols): _ = try readSymbol(&cursor, count: symbols.count, name: name)
        case .record(_, let fields):
            if fields.isEmpty { try spendZeroSize(cursor) }
            for field in fields { try skip(field.type, &cursor, depth: depth + 1) }
        case .array(let items):
            let itemSize = schema[items].minimumSize
            while true {
                let (count, bytes) = try readBlockCount(&cursor, minimumSize: itemSize, what: "an array")
                if count == 0 { break }
                if let bytes {
                    try cursor.skip(bytes)
                } else {
                    for _ in 0..<count { try skip(items, &cursor, depth: depth + 1) }
                }
            }
        case .map(let values):
            let entrySize = schema[values].minimumSize.addingReportingOverflow(1)
            while true {
                let (count, bytes) = try readBlockCount(&cursor, minimumSize: entrySize.overflow ? Int.max : entrySize.partialValue, what: "a map")
                if count == 0 { break }
                if let bytes {
                    try cursor.skip(bytes)
                } else {
                    for _ in 0..<count {
                        _ = try cursor.readBytes()
                        try skip(values, &cursor, depth: depth + 1)
                    }
                }
            }
        case .union(let branches):
            let branch = try readBranch(&cursor, count: branches.count)
            try skip(branches[branch], &cursor, depth: depth + 1)
        }
    }
}

/// Builds a map's object: a repeated key keeps its last value (as a dictionary would), with
/// a hash index once the map is large enough for linear lookups to cost.
struct AvroMapKeys {
    private(set) var object = ValueObject()
    private var index: [String: Int]?

    mutating func set(_ key: String, _ value: Value) {
        if index == nil, object.count >= 16 {
            var built: [String: Int] = [:]
            for (i, existing) in object.keys.enumerated() { built[existing] = i }
            index = built
        }
        if index != nil {
            if index?[key] != nil {
                object[key] = value
            } else {
                index?[key] = object.count
                object.appendUnchecked(key: key, value: value)
            }
        } else if object[key] != nil {
            object[key] = value
        } else {
            object.appendUnchecked(key: key, value: value)
        }
    }
}
