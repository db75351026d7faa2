import SluiceCore

/// Turns fields into rows, as SQL's `UNPIVOT`:
/// `{"fields": ["q1", "q2", "q3"], "name": "quarter", "value": "sales"}`.
///
/// Each record gives one record per listed field, in the listed order: the record's other
/// fields (copied, in their order), then `name` holding the listed field's name and `value`
/// its value. The listed fields themselves are dropped. As DuckDB's `UNPIVOT` does by default,
/// a null (or missing) value gives no record; `"includeNulls": true` keeps them (DuckDB's
/// `UNPIVOT INCLUDE NULLS`). An input field called `name` or `value` is replaced. Output
/// records keep the position of the record they came from.
public struct Unpivot: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "unpivot"

    /// The `config` object of an unpivot step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields that become rows.
        public var fields: [String]
        /// The output field holding each listed field's name.
        public var name: String
        /// The output field holding each listed field's value.
        public var value: String
        /// Whether null values give records; false (DuckDB's default) when absent.
        public var includeNulls: Bool?

        /// A config unpivoting `fields` into `name` and `value`.
        public init(fields: [String], name: String, value: String, includeNulls: Bool? = nil) {
            self.fields = fields
            self.name = name
            self.value = value
            self.includeNulls = includeNulls
        }
    }

    /// The fields that become rows.
    public let fields: [String]
    /// The output field of the names.
    public let name: String
    /// The output field of the values.
    public let value: String
    /// Whether null values give records.
    public let includeNulls: Bool

    /// Builds the unpivot; throws ``SpecError`` at `fields`, `name` or `value`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard !config.fields.isEmpty else { throw SpecError(path: "fields", #"expected at least one field, as ["q1", "q2"]"#) }
        var seen = Set<String>()
        for (i, field) in config.fields.enumerated() {
            guard !field.isEmpty else { throw SpecError(path: "fields[\(i)]", "must name a field") }
            guard seen.insert(field).inserted else { throw SpecError(path: "fields[\(i)]", "duplicate field '\(field)'") }
        }
        guard !config.name.isEmpty else { throw SpecError(path: "name", "must name the output field of the field names") }
        guard !config.value.isEmpty else { throw SpecError(path: "value", "must name the output field of the values") }
        guard config.name != config.value else { throw SpecError(path: "value", "must differ from name ('\(config.name)')") }
        fields = config.fields
        name = config.name
        value = config.value
        includeNulls = config.includeNulls ?? false
    }

    /// One record per listed field (with a value, unless `includeNulls`) per input record.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        let listed = fields.map { batch.column(named: $0) }
        // (input row, listed field) per output row, in output order.
        var rows: [Int] = []
        var which: [Int] = []
        rows.reserveCapacity(batch.count * fields.count)
        which.reserveCapacity(batch.count * fields.count)
        for row in 0..<batch.count {
            for (f, column) in listed.enumerated() where includeNulls || (column?.isPresent(row) ?? false) {
                rows.append(row)
                which.append(f)
            }
        }
        var names = TextColumn()
        names.reserve(values: rows.count, bytes: rows.count * 4)
        var values = ColumnBuilder(capacity: rows.count)
        for (row, f) in zip(rows, which) {
            names.append(fields[f])
            if let column = listed[f], column.isPresent(row) {
                values.append(from: column, row: row)
            } else {
                values.appendNull()
            }
        }
        let dropped = Set(fields + [name, value])
        var outFields: [String] = []
        var columns: [Column] = []
        for (field, column) in zip(batch.fields, batch.columns) where !dropped.contains(field) {
            outFields.append(field)
            columns.append(column.gathering(rows))
        }
        outFields += [name, value]
        columns += [Column(storage: .text(names)), values.build()]
        return BatchResult(batch: RecordBatch(fields: outFields, columns: columns, positions: gatherElements(batch.positions, rows)))
    }

    /// The other fields are copied; `name` is a constant per listed field, `value` comes from
    /// the listed fields.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        let dropped = Set(fields + [name, value])
        return inputFields.filter { !dropped.contains($0) }.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
            + [FieldDerivation(output: name, inputs: [], how: "unpivot"), FieldDerivation(output: value, inputs: fields, how: "unpivot")]
    }

    /// What follows needs, except the two new fields, plus the listed fields.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        guard let needed = output.fields else { return .all }
        return .only(needed.subtracting([name, value]).union(fields))
    }
}
