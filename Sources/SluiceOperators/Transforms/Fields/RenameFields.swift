import SluiceCore

/// Renames fields in place: `{"fields": {"old_name": "new_name"}}`.
///
/// All renames happen at once, so `{"a": "b", "b": "a"}` swaps two fields. A renamed field
/// keeps its position. Two fields renamed to one name is a config error. When a batch also
/// holds a field under the new name (which a config cannot know in advance), **the renamed
/// field wins** row by row: a row that has the old field takes its value, and only a row
/// without it (absent, not null) keeps the value of the field already called the new name;
/// that field's own column disappears.
public struct RenameFields: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "rename"

    /// The `config` object of a rename step.
    public struct Config: Decodable, Sendable, Equatable {
        /// Old name → new name, in the order written.
        public var fields: OrderedPairs

        /// A config with these renames.
        public init(fields: OrderedPairs) {
            self.fields = fields
        }
    }

    /// Old name → new name.
    public let renames: [String: String]
    /// New name → old name.
    private let sources: [String: String]
    /// New names whose current holder is not itself renamed (it is overwritten).
    private let overwritten: Set<String>

    /// Builds the step; throws ``SpecError`` at `fields` (empty) or `fields.<old>` (empty or
    /// repeated new name).
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard !config.fields.pairs.isEmpty else {
            throw SpecError(path: "fields", "expected at least one rename, as {\"old_name\": \"new_name\"}")
        }
        var renames: [String: String] = [:]
        var targets: [String: String] = [:]
        for pair in config.fields.pairs {
            guard !pair.value.isEmpty else { throw SpecError(path: "fields.\(pair.key)", "the new name must not be empty") }
            if let other = targets[pair.value] {
                throw SpecError(path: "fields.\(pair.key)", "'\(other)' is already renamed to '\(pair.value)'")
            }
            targets[pair.value] = pair.key
            renames[pair.key] = pair.value
        }
        self.renames = renames
        sources = targets
        overwritten = Set(targets.keys.filter { renames[$0] == nil })
    }

    /// The batch with the fields renamed.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        guard batch.fields.contains(where: { renames[$0] != nil }) else { return BatchResult(batch: batch) }
        var names: [String] = []
        var columns: [Column] = []
        for (name, column) in zip(batch.fields, batch.columns) {
            if let newName = renames[name] {
                names.append(newName)
                if overwritten.contains(newName), let previous = batch.column(named: newName) {
                    columns.append(Self.merged(column, over: previous))
                } else {
                    columns.append(column)
                }
            } else if overwritten.contains(name), let source = sourceName(of: name), batch.index(of: source) != nil {
                continue
            } else {
                names.append(name)
                columns.append(column)
            }
        }
        return BatchResult(batch: RecordBatch(fields: names, columns: columns, positions: batch.positions))
    }

    private func sourceName(of target: String) -> String? { sources[target] }

    /// `renamed` where its rows are present or null, `previous` where they are absent.
    static func merged(_ renamed: Column, over previous: Column) -> Column {
        guard let presence = renamed.presence, presence.contains(.absent) else { return renamed }
        var builder = ColumnBuilder(capacity: renamed.count)
        for row in 0..<renamed.count {
            builder.append(from: presence[row] == .absent ? previous : renamed, row: row)
        }
        return builder.build()
    }

    /// Renamed fields derive from their old name (and from the field they overwrite); the
    /// rest are copied.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        let present = Set(inputFields)
        var out: [FieldDerivation] = []
        for field in inputFields {
            if let newName = renames[field] {
                let inputs = overwritten.contains(newName) && present.contains(newName) ? [field, newName] : [field]
                out.append(FieldDerivation(output: newName, inputs: inputs, how: "rename"))
            } else if overwritten.contains(field), let source = sourceName(of: field), present.contains(source) {
                continue
            } else {
                out.append(FieldDerivation(output: field, inputs: [field], how: "copy"))
            }
        }
        return out
    }

    /// For each field what follows needs: its old name when it is a new name (plus the field
    /// it may fall back to), itself when untouched, nothing when it was renamed away.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        guard case .only(let needed) = output else { return .all }
        var input = Set<String>()
        for field in needed {
            if let source = sourceName(of: field) {
                input.insert(source)
                if overwritten.contains(field) { input.insert(field) }
            } else if renames[field] == nil {
                input.insert(field)
            }
        }
        return .only(input)
    }
}
