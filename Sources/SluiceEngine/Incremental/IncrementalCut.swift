import SluiceCore

/// The row filter of an incremental run: keeps the rows past the starting watermark and
/// tracks the largest cursor value kept, with the rows holding it.
///
/// A row is past the watermark when its cursor is greater than the watermark's value, or
/// equal to it with a key not among the watermark's boundary keys. Cursor values compare as
/// ``Value/compare(to:)`` says (numbers with numbers, timestamps with timestamps or ISO
/// strings, strings by code point). A row whose cursor is missing, null or of a kind that
/// does not compare goes to the dead-letter queue: the run cannot place it.
struct IncrementalCut: Sendable {
    /// The largest cursor value seen in some rows, with the keys of the rows holding it.
    struct Progress: Sendable, Equatable {
        var max: Value
        var keysAtMax: Set<String>

        /// Combines two chunks' progress (order does not matter).
        mutating func merge(_ other: Progress) {
            switch other.max.compare(to: max) {
            case 1?: self = other
            case 0?: keysAtMax.formUnion(other.keysAtMax)
            default: break
            }
        }
    }

    let cursorField: String
    /// The fields that identify a row; `nil`: the whole record.
    let keyFields: [String]?
    /// Where the run starts; `nil`: every row is new.
    let start: Watermark?

    static let stage = "source (incremental)"

    /// The rows of `batch` past the watermark, the rows that cannot be placed, and the
    /// progress over the kept rows (nil when none was kept).
    func apply(_ batch: RecordBatch) -> (batch: RecordBatch, rejected: [Rejection], progress: Progress?) {
        guard !batch.isEmpty else { return (batch, [], nil) }
        guard let column = batch.index(of: cursorField) else {
            let rejected = (0..<batch.count).map { reject(batch, row: $0, "the incremental cursor field '\(cursorField)' is missing") }
            return (batch.selecting([]), rejected, nil)
        }
        var kept: [Int] = []
        kept.reserveCapacity(batch.count)
        var rejected: [Rejection] = []
        var max: Value?
        var rowsAtMax: [Int] = []
        for row in 0..<batch.count {
            let value = batch.value(row: row, column: column)
            if value.isNull {
                rejected.append(reject(batch, row: row, "the incremental cursor field '\(cursorField)' is null"))
                continue
            }
            if let start {
                guard let order = value.compare(to: start.value) else {
                    rejected.append(reject(batch, row: row, incomparable(value, start.value, "the watermark")))
                    continue
                }
                if order < 0 { continue }
                if order == 0, !start.boundaryKeys.isEmpty, start.boundaryKeys.contains(key(of: batch, row: row)) { continue }
            }
            if let current = max {
                guard let order = value.compare(to: current) else {
                    rejected.append(reject(batch, row: row, incomparable(value, current, "other rows' cursor")))
                    continue
                }
                if order > 0 {
                    max = value
                    rowsAtMax.removeAll(keepingCapacity: true)
                    rowsAtMax.append(row)
                } else if order == 0 {
                    rowsAtMax.append(row)
                }
            } else {
                max = value
                rowsAtMax = [row]
            }
            kept.append(row)
        }
        let progress = max.map { Progress(max: $0, keysAtMax: Set(rowsAtMax.map { key(of: batch, row: $0) })) }
        let out = kept.count == batch.count ? batch : batch.selecting(kept)
        return (out, rejected, progress)
    }

    /// The watermark after a run that started at ``start`` and kept rows with `progress`.
    func finished(with progress: Progress?) -> Watermark? {
        guard let progress else { return nil }
        guard let start, let order = progress.max.compare(to: start.value), order <= 0 else {
            return Watermark(value: progress.max, boundaryKeys: progress.keysAtMax)
        }
        return Watermark(value: start.value, boundaryKeys: start.boundaryKeys.union(progress.keysAtMax))
    }

    /// The row's identity: the JSON of its key fields' values, or of the whole record.
    func key(of batch: RecordBatch, row: Int) -> String {
        guard let keyFields else { return JSONText.string(.object(batch.record(at: row))) }
        let values = keyFields.map { field in batch.index(of: field).map { batch.value(row: row, column: $0) } ?? .null }
        return JSONText.string(.array(values))
    }

    private func reject(_ batch: RecordBatch, row: Int, _ reason: String) -> Rejection {
        Rejection(record: .object(batch.record(at: row)), reasons: [reason], position: batch.positions[row], stage: Self.stage)
    }

    private func incomparable(_ value: Value, _ other: Value, _ what: String) -> String {
        "the incremental cursor field '\(cursorField)' holds a \(value.kindName) that cannot be compared with \(what) (a \(other.kindName))"
    }
}
