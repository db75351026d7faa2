import SluiceCore

/// The output of a spilled ``Aggregate``: the finished partitions' rows merged on their
/// first-seen ordinals, made to read as the in-memory path's batch.
///
/// Each batch loses the ordinal column, gets the positions the in-memory path gives (a
/// group's place in first-seen order, from 1), and then `having` keeps its rows.
///
/// With two or more group-by fields, the in-memory path shows each field's values in the
/// form first seen for that field over all groups: after `{a: 1.0, b: "x"}`, the group
/// `{a: 1, b: "y"}` shows `a` as `1.0`. Partitions see only their own groups, so where a
/// spilled key held such a form (see ``AggregateSpillBook/mixedKeyForms``), the stream keeps
/// the first form of each of those values, in output order (which is first-seen order), and
/// puts it back in later rows.
final class AggregateSpillOutput: BatchStream {
    private let merged: MergedStream
    private let having: Condition?
    /// Per group-by field, whether its key forms are put back.
    private let restoreKeyForms: [Bool]
    /// Per group-by field, the first form of each value that can take several (unused for
    /// fields whose forms are not put back).
    private var forms: [GroupKeyDictionary]
    /// Rows emitted before `having`.
    private var rows = 0

    init(merged: MergedStream, having: Condition?, restoreKeyForms: [Bool]) {
        self.merged = merged
        self.having = having
        self.restoreKeyForms = restoreKeyForms
        var generator = SystemRandomNumberGenerator()
        forms = restoreKeyForms.map { _ in GroupKeyDictionary(seed: generator.next()) }
    }

    func next() throws -> RecordBatch? {
        while let batch = try merged.next() {
            var fields = batch.fields
            var columns = batch.columns
            if let ordinal = batch.index(of: Aggregate.ordinalField) {
                fields.remove(at: ordinal)
                columns.remove(at: ordinal)
            }
            for field in restoreKeyForms.indices where restoreKeyForms[field] && field < columns.count {
                columns[field] = restoreForms(columns[field], field: field)
            }
            let output = RecordBatch(fields: fields, columns: columns, positions: Array((rows + 1)..<(rows + 1 + batch.count)))
            rows += batch.count
            guard let having else { return output }
            let kept = having.selectedRows(output)
            if !kept.isEmpty { return output.selecting(kept) }
        }
        return nil
    }

    /// `column` with every value that can take several forms in its first-seen form.
    private func restoreForms(_ column: Column, field: Int) -> Column {
        var builder = ColumnBuilder(capacity: column.count)
        for row in 0..<column.count {
            let value = column.value(at: row)
            if Self.hasForms(value) {
                let code = forms[field].code(of: value)
                builder.append(forms[field].keys[Int(code)])
            } else {
                builder.append(from: column, row: row)
            }
        }
        return builder.build()
    }

    /// Whether an equal key may have been kept in another form than `value`'s: integers (as
    /// ints or as doubles), NaNs, arrays and objects.
    private static func hasForms(_ value: Value) -> Bool {
        if case .int = value { return true }
        return AggregateSpillBook.mayTakeOtherForms(value)
    }
}

/// The batches in frames `frames` of a spill file, in order.
final class AggregateFrameStream: BatchStream {
    private let run: SpillRun
    private var frames: Range<Int>

    init(run: SpillRun, frames: Range<Int>) {
        self.run = run
        self.frames = frames
    }

    func next() throws -> RecordBatch? {
        guard let frame = frames.first else { return nil }
        frames = frames.dropFirst()
        return try run.batch(frame)
    }
}
