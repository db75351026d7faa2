// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore

/// Parses Avro schema JSON (already parsed into a ``Value``) into an ``AvroSchema``: the
/// primitives, records (and errors), enums, arrays, maps, unions and fixed types, named types
/// with namespaces and references to names defined earlier (a record may refer to itself),
/// and logical types (an invalid or unknown one falls back to the underlying type).
struct AvroSchemaParser {
    /// Schema JSON nested deeper than this is refused.
    static let maximumDepth = 128

    /// A message about what is wrong with the schema (the caller adds the file's name).
    struct Failure: Error {
        var message: String
    }

    private var nodes: [AvroNode] = []
    /// Named types by full name.
    private var names: [String: Int] = [:]

    /// Parses the schema JSON `value`.
    static func parse(_ value: Value) throws(Failure) -> AvroSchema {
        var parser = AvroSchemaParser()
        let root = try parser.parseType(value, namespace: "", depth: 0)
        var schema = AvroSchema(nodes: parser.nodes, root: root)
        AvroMinimumSize.assign(to: &schema)
        return schema
    }

    private mutating func add(_ kind: AvroKind, logical: AvroLogicalType? = nil) -> Int {
        nodes.append(AvroNode(kind: kind, logical: logical))
        return nodes.count - 1
    }

    private mutating func parseType(_ value: Value, namespace: String, depth: Int) throws(Failure) -> Int {
        guard depth < Self.maximumDepth else {
            throw Failure(message: "types are nested more than \(Self.maximumDepth) deep")
        }
        switch value {
        case .string(let name):
            return try reference(name, namespace: namespace)
        case .array(let branches):
            var indices: [Int] = []
            indices.reserveCapacity(branches.count)
            for branch in branches { indices.append(try parseType(branch, namespace: namespace, depth: depth + 1)) }
            guard !indices.isEmpty else { throw Failure(message: "a union has no branches") }
            return add(.union(branches: indices))
        case .object(let object):
            return try parseObject(object, namespace: namespace, depth: depth)
        default:
            throw Failure(message: "a type must be a name, an object or a union array, not \(value.kindName) \(value)")
        }
    }

    private static func primitive(_ name: String) -> AvroKind? {
        switch name {
        case "null": return .null
        case "boolean": return .boolean
        case "int": return .int
        case "long": return .long
        case "float": return .float
        case "double": return .double
        case "bytes": return .bytes
        case "string": return .string
        default: return nil
        }
    }

    /// A primitive, or a named type defined earlier (by full name or relative to `namespace`).
    private mutating func reference(_ name: String, namespace: String) throws(Failure) -> Int {
        if let kind = Self.primitive(name) { return add(kind) }
        if !name.contains("."), !namespace.isEmpty, let index = names[namespace + "." + name] { return index }
        if let index = names[name] { return index }
        throw Failure(message: "unknown type name '\(name)' (a named type must be defined before it is used)")
    }

    private mutating func parseObject(_ object: ValueObject, namespace: String, depth: Int) throws(Failure) -> Int {
        guard let type = object["type"] else { throw Failure(message: "a type object has no \"type\" attribute: \(Value.object(object))") }
        guard case .string(let typeName) = type else {
            // {"type": {...}} or {"type": [...]}: the nested type itself.
            return try parseType(type, namespace: namespace, depth: depth + 1)
        }
        let logicalName = object["logicalType"]?.stringValue
        switch typeName {
        case "record", "error":
            return try parseRecord(object, namespace: namespace, depth: depth)
        case "enum":
            let (fullName, _) = try definedName(object, namespace: namespace)
            guard case .array(let items) = object["symbols"] ?? .null else {
                throw Failure(message: "enum \(fullName) has no \"symbols\" array")
            }
            var symbols: [String] = []
            symbols.reserveCapacity(items.count)
            for item in items {
                guard case .string(let symbol) = item else { throw Failure(message: "enum \(fullName) has a symbol that is not a string: \(item)") }
                symbols.append(symbol)
            }
            return try define(fullName, .enumeration(name: fullName, symbols: symbols))
        case "fixed":
            let (fullName, _) = try definedName(object, namespace: namespace)
            guard case .int(let size) = object["size"] ?? .null, size >= 0 else {
                throw Failure(message: "fixed \(fullName) has no non-negative integer \"size\"")
            }
            let index = try define(fullName, .fixed(name: fullName, size: size))
            nodes[index].logical = logicalName.flatMap { Self.logical($0, object, on: .fixed(name: fullName, size: size)) }
            return index
        case "array":
            guard let items = object["items"] else { throw Failure(message: "an array type has no \"items\"") }
            let itemIndex = try parseType(items, namespace: namespace, depth: depth + 1)
            return add(.array(items: itemIndex))
        case "map":
            guard let values = object["values"] else { throw Failure(message: "a map type has no \"values\"") }
            let valueIndex = try parseType(values, namespace: namespace, depth: depth + 1)
            return add(.map(values: valueIndex))
        default:
            if let kind = Self.primitive(typeName) {
                return add(kind, logical: logicalName.flatMap { Self.logical($0, object, on: kind) })
            }
            // {"type": "SomeName"}: a reference in object form.
            return try reference(typeName, namespace: namespace)
        }
    }

    private mutating func parseRecord(_ object: ValueObject, namespace: String, depth: Int) throws(Failure) -> Int {
        let (fullName, recordNamespace) = try definedName(object, namespace: namespace)
        // Registered before its fields are read, so a field may refer to the record itself.
        let index = try define(fullName, .record(name: fullName, fields: []))
        guard case .array(let items) = object["fields"] ?? .null else {
            throw Failure(message: "record \(fullName) has no \"fields\" array")
        }
        var fields: [AvroField] = []
        fields.reserveCapacity(items.count)
        for item in items {
            guard case .object(let field) = item, case .string(let name) = field["name"] ?? .null else {
                throw Failure(message: "record \(fullName) has a field without a name: \(item)")
            }
            guard let type = field["type"] else { throw Failure(message: "field '\(name)' of record \(fullName) has no type") }
            guard !fields.contains(where: { $0.name == name }) else {
                throw Failure(message: "record \(fullName) has two fields named '\(name)'")
            }
            fields.append(AvroField(name: name, type: try parseType(type, namespace: recordNamespace, depth: depth + 1)))
        }
        nodes[index].kind = .record(name: fullName, fields: fields)
        return index
    }

    /// The full name and namespace a named type defines.
    private func definedName(_ object: ValueObject, namespace: String) throws(Failure) -> (String, String) {
        guard case .string(let name) = object["name"] ?? .null, !name.isEmpty else {
            throw Failure(message: "a named type has no \"name\": \(Value.object(object))")
        }
        if let dot = name.lastIndex(of: ".") { return (name, String(name[..<dot])) }
        let own = object["namespace"]?.stringValue ?? namespace
        return (own.isEmpty ? name : own + "." + name, own)
    }

    private mutating func define(_ fullName: String, _ kind: AvroKind) throws(Failure) -> Int {
        guard names[fullName] == nil else { throw Failure(message: "the type name \(fullName) is defined twice") }
        let index = add(kind)
        names[fullName] = index
        return index
    }

    /// The logical type `name` on `kind`, or `nil` when it is unknown or invalid there.
    private static func logical(_ name: String, _ object: ValueObject, on kind: AvroKind) -> AvroLogicalType? {
        switch (name, kind) {
        case ("decimal", .bytes), ("decimal", .fixed):
            guard case .int(let precision) = object["precision"] ?? .null, precision > 0, precision <= AvroLimits.maximumDecimalPrecision else {
                return nil
            }
            var scale = 0
            if let declared = object["scale"] {
                guard case .int(let s) = declared else { return nil }
                scale = s
            }
            guard scale >= 0, scale <= precision else { return nil }
            if case .fixed(_, let size) = kind, precision > maximumPrecision(fixedSize: size) { return nil }
            return .decimal(precision: precision, scale: scale)
        case ("uuid", .string): return .uuid
        case ("uuid", .fixed(_, 16)): return .uuid
        case ("date", .int): return .date
        case ("time-millis", .int): return .timeMillis
        case ("time-micros", .long): return .timeMicros
        case ("timestamp-millis", .long): return .timestamp(unit: .millis, utc: true)
        case ("timestamp-micros", .long): return .timestamp(unit: .micros, utc: true)
        case ("timestamp-nanos", .long): return .timestamp(unit: .nanos, utc: true)
        case ("local-timestamp-millis", .long): return .timestamp(unit: .millis, utc: false)
        case ("local-timestamp-micros", .long): return .timestamp(unit: .micros, utc: false)
        case ("local-timestamp-nanos", .long): return .timestamp(unit: .nanos, utc: false)
        case ("duration", .fixed(_, 12)): return .duration
        default: return nil
        }
    }

    /// The most decimal digits a `size`-byte two's-complement integer always holds:
    /// floor(log10(2^(8·size − 1) − 1)).
    static func maximumPrecision(fixedSize size: Int) -> Int {
        guard size > 0 else { return 0 }
        // log10(2) · (8·size − 1), rounded down; exact enough for any size a file can declare
        // (the products stay far from an integer for sizes below 10^6).
        let bits = Double(min(size, 1 << 20)) * 8 - 1
        return Int((bits * 0.301_029_995_663_981_2).rounded(.down))
    }
}
