import SluiceCore

/// Splits a text field into several:
/// `{"field": "full_name", "delimiter": " ", "targetFields": ["first_name", "last_name"]}`.
///
/// Part `i` goes to target `i`; when there are more parts than targets the last target gets
/// the remainder, delimiters included (`"Mary Ann Smith"` → `"Mary"`, `"Ann Smith"`), and
/// targets without a part are null. The source field is kept. Numbers, booleans and dates are
/// split by their text; an array or object cannot be split and its record is rejected.
public struct Split: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "split"
    /// The stage name recorded on rejections.
    public static let stage = "transform:split"

    /// The `config` object of a split step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The field to split.
        public var field: String
        /// The text between parts (not a pattern).
        public var delimiter: String
        /// Where the parts go, in order.
        public var targetFields: [String]

        /// A config splitting `field` at `delimiter` into `targetFields`.
        public init(field: String, delimiter: String, targetFields: [String]) {
            self.field = field
            self.delimiter = delimiter
            self.targetFields = targetFields
        }
    }

    /// The field split.
    public let field: String
    /// The fields written, in order.
    public let targetFields: [String]
    private let delimiter: [UInt8]

    /// Builds the split; throws ``SpecError`` at `delimiter` or `targetFields` (relative to `config`).
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard !config.delimiter.isEmpty else {
            throw SpecError(path: "delimiter", "delimiter must not be empty")
        }
        guard !config.targetFields.isEmpty else {
            throw SpecError(path: "targetFields", "targetFields must name at least one field")
        }
        var seen = Set<String>()
        for (i, name) in config.targetFields.enumerated() where !seen.insert(name).inserted {
            throw SpecError(path: "targetFields[\(i)]", "duplicate field '\(name)'")
        }
        field = config.field
        targetFields = config.targetFields
        delimiter = Array(config.delimiter.utf8)
    }

    /// The batch with the target fields added; rows whose field is an array or object are rejected.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        let count = batch.count
        var builders = Array(repeating: ColumnBuilder(capacity: count), count: targetFields.count)
        var rejectedRows: [(row: Int, kind: String)] = []
        if let column = batch.column(named: field) {
            if case .text(let t) = column.storage {
                t.bytes.withUnsafeBytes { bytes in
                    for row in 0..<count {
                        guard column.isPresent(row) else {
                            appendNulls(&builders)
                            continue
                        }
                        split(UnsafeRawBufferPointer(rebasing: bytes[t.range(row)]), into: &builders)
                    }
                }
            } else {
                for row in 0..<count {
                    switch column.value(at: row) {
                    case .null:
                        appendNulls(&builders)
                    case let value where value.arrayValue != nil || value.objectValue != nil:
                        rejectedRows.append((row, value.kindName))
                        appendNulls(&builders)
                    case let value:
                        var text = value.plainText
                        text.withUTF8 { split(UnsafeRawBufferPointer($0), into: &builders) }
                    }
                }
            }
        } else {
            for _ in 0..<count { appendNulls(&builders) }
        }
        var out = batch
        for (name, builder) in zip(targetFields, builders) { out.setColumn(builder.build(), named: name) }
        guard !rejectedRows.isEmpty else { return BatchResult(batch: out) }
        let rejected = rejectedRows.map { row, kind in
            Rejection(
                record: .object(batch.record(at: row)), reasons: ["Field \(field): cannot split a \(kind)"],
                position: batch.positions[row], stage: Split.stage)
        }
        var keep: [Int] = []
        keep.reserveCapacity(count - rejectedRows.count)
        var next = 0
        for row in 0..<count {
            if next < rejectedRows.count, rejectedRows[next].row == row {
                next += 1
            } else {
                keep.append(row)
            }
        }
        return BatchResult(batch: out.selecting(keep), rejected: rejected)
    }

    /// Appends the parts of `text` to the targets.
    @inline(__always)
    private func split(_ text: UnsafeRawBufferPointer, into builders: inout [ColumnBuilder]) {
        var start = 0
        var target = 0
        let last = builders.count - 1
        while target < last, let found = LooseComparison.firstIndex(of: delimiter, in: text, from: start) {
            builders[target].appendText(UnsafeRawBufferPointer(rebasing: text[start..<found]))
            start = found + delimiter.count
            target += 1
        }
        builders[target].appendText(UnsafeRawBufferPointer(rebasing: text[start..<text.count]))
        target += 1
        while target <= last {
            builders[target].appendNull()
            target += 1
        }
    }

    @inline(__always)
    private func appendNulls(_ builders: inout [ColumnBuilder]) {
        for i in builders.indices { builders[i].appendNull() }
    }

    /// Input fields pass through; each target derives from the split field.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        let targets = Set(targetFields)
        return inputFields.filter { !targets.contains($0) }.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
            + targetFields.map { FieldDerivation(output: $0, inputs: [field], how: "split") }
    }
}
