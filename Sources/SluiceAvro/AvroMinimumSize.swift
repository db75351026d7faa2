// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.

/// Works out, for every node of a schema, a lower bound on the bytes one value takes, so a
/// count read from the file can be checked against the bytes that remain before looping.
enum AvroMinimumSize {
    /// Sets ``AvroNode/minimumSize`` of every node of `schema`.
    static func assign(to schema: inout AvroSchema) {
        var sizes = [Int?](repeating: nil, count: schema.nodes.count)
        var visiting = [Bool](repeating: false, count: schema.nodes.count)
        for index in schema.nodes.indices {
            _ = size(of: index, schema.nodes, &sizes, &visiting, depth: 0)
        }
        for index in schema.nodes.indices { schema.nodes[index].minimumSize = sizes[index] ?? 0 }
    }

    /// Named types referring to each other deeper than this count as 0 below it (a chain of
    /// thousands of records, each holding the previous one, would otherwise overflow the stack).
    static let maximumDepth = 256

    /// The bound for `index`; a type met again while it is being worked out (a recursive
    /// record), or met deeper than ``maximumDepth``, counts as 0, which keeps every result a
    /// lower bound (a cut-short one is merely less tight).
    private static func size(of index: Int, _ nodes: [AvroNode], _ sizes: inout [Int?], _ visiting: inout [Bool], depth: Int) -> Int {
        if let known = sizes[index] { return known }
        if visiting[index] || depth > maximumDepth { return 0 }
        visiting[index] = true
        defer { visiting[index] = false }
        let result: Int
        switch nodes[index].kind {
        case .null: result = 0
        case .boolean, .int, .long, .bytes, .string, .enumeration, .array, .map: result = 1
        case .float: result = 4
        case .double: result = 8
        case .fixed(_, let size): result = size
        case .record(_, let fields):
            var total = 0
            for field in fields {
                let (sum, overflow) = total.addingReportingOverflow(size(of: field.type, nodes, &sizes, &visiting, depth: depth + 1))
                total = overflow ? Int.max : sum
            }
            result = total
        case .union(let branches):
            var smallest = Int.max
            for branch in branches { smallest = min(smallest, size(of: branch, nodes, &sizes, &visiting, depth: depth + 1)) }
            // Branches always exist (the parser refuses an empty union); saturate at Int.max.
            result = smallest == Int.max ? Int.max : smallest + 1
        }
        sizes[index] = result
        return result
    }
}
