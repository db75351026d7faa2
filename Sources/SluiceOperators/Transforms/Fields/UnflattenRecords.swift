import SluiceCore

/// Turns dotted keys back into nested objects: `{"separator": "."}` makes
/// `{"a.b": 1, "a.c": 2}` into `{"a": {"b": 1, "c": 2}}`.
///
/// The nested field takes the place of the first field of its group; keys inside follow the
/// field order. Names with an empty part (`a..b`, `.a`, `a.`) or with 512 parts or more (as
/// deep as JSON may nest) are left as they are. A null field `a` next to `a.b` gives way to
/// the object; a record where `a` holds a value and `a.b` is present too (or `a.b` holds a
/// value and `a.b.c` is present) cannot be nested and goes to the dead-letter queue with a
/// reason naming both.
public struct UnflattenRecords: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "unflatten"
    /// The stage name recorded on rejections.
    public static let stage = "transform:unflatten"

    /// The `config` object of an unflatten step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The separator between key parts; `.` when left out.
        public var separator: String

        /// A config splitting keys at `separator`.
        public init(separator: String = ".") {
            self.separator = separator
        }

        enum CodingKeys: String, CodingKey { case separator }

        /// Decodes a config; `separator` is optional.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            separator = try c.decodeIfPresent(String.self, forKey: .separator) ?? "."
        }
    }

    /// One output field: the input field of the same name, and the dotted fields under it.
    struct Group {
        var root: String
        var plain: Int?
        var children: [(field: Int, path: [String])] = []
    }

    /// The separator between key parts.
    public let separator: String

    /// Builds the step; throws ``SpecError`` at `separator` when it is empty.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard !config.separator.isEmpty else { throw SpecError(path: "separator", "the separator must not be empty") }
        separator = config.separator
    }

    /// The output fields of a batch with these input fields, in order.
    func groups(_ fields: [String]) -> [Group] {
        var groups: [Group] = []
        var index: [String: Int] = [:]
        for (field, name) in fields.enumerated() {
            let parts = name.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
            // Nesting past JSON's own limit would make values no walk over them can take.
            let nested = parts.count > 1 && parts.count < JSONParser.maximumDepth && !parts.contains { $0.isEmpty }
            let root = nested ? parts[0] : name
            let g = index[root] ?? groups.count
            if g == groups.count {
                index[root] = g
                groups.append(Group(root: root))
            }
            if nested { groups[g].children.append((field, Array(parts.dropFirst()))) } else { groups[g].plain = field }
        }
        return groups
    }

    /// The batch with dotted fields nested; records with clashing keys are rejected.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        let groups = groups(batch.fields)
        guard groups.contains(where: { !$0.children.isEmpty }) else { return BatchResult(batch: batch) }
        var reasons: [Int: [String]] = [:]
        var columns: [Column] = []
        for group in groups {
            if group.children.isEmpty, let plain = group.plain {
                columns.append(batch.columns[plain])
            } else {
                columns.append(nest(group, batch, reasons: &reasons))
            }
        }
        let output = RecordBatch(fields: groups.map(\.root), columns: columns, positions: batch.positions)
        guard !reasons.isEmpty else { return BatchResult(batch: output) }
        let failures = reasons.keys.sorted().flatMap { row in (reasons[row] ?? []).map { (row: row, reason: $0) } }
        return RejectedRows.split(output, failures: failures, original: batch, stage: Self.stage)
    }

    /// The nested column of `group`.
    private func nest(_ group: Group, _ batch: RecordBatch, reasons: inout [Int: [String]]) -> Column {
        var builder = ColumnBuilder(capacity: batch.count)
        for row in 0..<batch.count {
            var object = ValueObject()
            var any = false
            for (field, path) in group.children {
                let column = batch.columns[field]
                guard column.presence(at: row) != .absent else { continue }
                any = true
                if let depth = NestedInsertion.insert(column.value(at: row), at: path[...], into: &object) {
                    let spot = ([group.root] + path.prefix(depth)).joined(separator: separator)
                    reasons[row, default: []].append("Field \(batch.fields[field]): cannot nest it, \(spot) already holds a value")
                }
            }
            if let plain = group.plain {
                let column = batch.columns[plain]
                if !any {
                    builder.append(from: column, row: row)
                    continue
                }
                if column.isPresent(row) {
                    reasons[row, default: []].append(
                        "Field \(group.root): holds \(column.value(at: row).quotedText), so fields under it cannot be nested")
                }
            }
            if any { builder.append(.object(object)) } else { builder.appendAbsent() }
        }
        return builder.build()
    }

    /// Each nested field derives from the dotted fields under it; the rest are copied.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        groups(inputFields).map { group in
            var inputs = group.plain.map { [inputFields[$0]] } ?? []
            inputs += group.children.map { inputFields[$0.field] }
            return FieldDerivation(output: group.root, inputs: inputs, how: group.children.isEmpty ? "copy" : "unflatten")
        }
    }
}
