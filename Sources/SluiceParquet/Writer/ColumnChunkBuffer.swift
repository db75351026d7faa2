import SluiceCore
import SluiceFormats

/// The values of one column chunk in their physical form, ready to encode: the present values
/// back to back in the array of the column's physical type, and the definition level of each
/// row (1 present, 0 null) once a row is null.
///
/// Filled from the buffered batches' columns by the `append` methods (see
/// `ColumnChunkBuffer+Append.swift`), which convert each value or throw when it does not fit.
struct ColumnChunkBuffer {
    let plan: ParquetColumnPlan
    /// Rows appended so far (present and null).
    private(set) var rowCount = 0
    /// Null rows appended so far.
    private(set) var nullCount = 0
    /// One definition level per row, kept from the first null row on; empty while every row
    /// is present.
    private(set) var levels: [UInt8] = []

    // The present values, in the array of the physical type.
    var booleans: [Bool] = []
    var int32s: [Int32] = []
    var int64s: [Int64] = []
    var floats: [Float] = []
    var doubles: [Double] = []
    /// BYTE_ARRAY values back to back (with ``offsets``), or FIXED_LEN_BYTE_ARRAY values.
    var bytes: [UInt8] = []
    /// BYTE_ARRAY value `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
    var offsets: [Int] = [0]

    /// A buffer for about `capacity` rows of `plan`'s column.
    init(plan: ParquetColumnPlan, capacity: Int) {
        self.plan = plan
        switch plan.physicalType {
        case .boolean: booleans.reserveCapacity(capacity)
        case .int32: int32s.reserveCapacity(capacity)
        case .int64: int64s.reserveCapacity(capacity)
        case .float: floats.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .fixedLenByteArray: bytes.reserveCapacity(capacity * (plan.fixedLength ?? 0))
        default: offsets.reserveCapacity(capacity + 1)
        }
    }

    /// The number of present values.
    var valueCount: Int { rowCount - nullCount }

    /// Whether any row is null (the levels are then kept).
    var hasNulls: Bool { nullCount > 0 }

    /// Counts `count` present rows whose values were just appended.
    @inline(__always)
    mutating func notePresent(_ count: Int = 1) {
        rowCount += count
        if nullCount > 0 {
            if count == 1 {
                levels.append(1)
            } else {
                levels.append(contentsOf: repeatElement(1, count: count))
            }
        }
    }

    /// Appends `count` null rows, the first of them at record `position`.
    mutating func appendNulls(_ count: Int, position: Int) throws {
        guard count > 0 else { return }
        if plan.required {
            throw FormatError("Parquet: record \(position), field \"\(plan.displayName)\": null in a field declared not nullable")
        }
        if nullCount == 0 {
            levels.reserveCapacity(Swift.max(levels.capacity, rowCount + count))
            levels.append(contentsOf: repeatElement(1, count: rowCount))
        }
        levels.append(contentsOf: repeatElement(0, count: count))
        rowCount += count
        nullCount += count
    }

    /// Appends one BYTE_ARRAY value.
    @inline(__always)
    mutating func pushByteArray(_ value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
    }

    /// Ends a BYTE_ARRAY value whose bytes were appended to ``bytes`` directly.
    @inline(__always)
    mutating func endByteArray() {
        offsets.append(bytes.count)
    }

    /// The error for a value of `kind` (`a string`, `an integer`) that this column's type
    /// cannot hold, at record `position`; `detail` says more when the kind alone does not.
    func mismatch(_ kind: String, position: Int, detail: String? = nil) -> FormatError {
        let what = detail ?? "\(kind) does not fit"
        return FormatError("Parquet: record \(position), field \"\(plan.displayName)\" (\(plan.typeName)): \(what)")
    }
}
