import SluiceAvro
import SluiceCore
import SluiceFormats
import SluiceParquet

/// Fuzzing of the readers of typed files (Parquet, Avro): arbitrary bytes must give records
/// or a clean ``FormatError``, in bounded time and memory, and two ways of reading the same
/// bytes must agree.
enum TypedFileFuzzing {
    /// The most rows a fuzz read takes from one input before it stops (a tiny file may
    /// declare millions of rows of nothing).
    static let maxRows = 200_000

    /// Parquet: read everything, with dictionary-encoded text kept as codes and as plain
    /// text, which must give the same records; then read only the first declared field, which
    /// must give that field's values of the full read for every row the full read keeps. A
    /// successful read accounts for every byte.
    static func parquet(_ bytes: [UInt8]) -> FuzzReport {
        let full = readParquet(bytes, projection: nil)
        var report = FuzzReport(outcome: full.summary)
        let coded = readParquet(bytes, projection: nil, keepsDictionaryText: true)
        report.check((coded.error == nil) == (full.error == nil), "keeping dictionary codes changed the outcome: \(coded.summary) / \(full.summary)")
        report.check(coded.rowCount == full.rowCount && coded.positions == full.positions, "keeping dictionary codes kept other rows")
        // Compared as JSON text: a NaN double is not equal to itself as a value.
        let text = { (read: Read) in read.records.map { JSONText.string(.object($0)) } }
        report.check(text(coded) == text(full), "keeping dictionary codes read other values")
        guard full.error == nil, let first = full.schema.first else { return report }
        let projected = readParquet(bytes, projection: [first])
        report.check(projected.error == nil, "reading only '\(first)' failed where the full read succeeded: \(projected.error.map(String.init(describing:)) ?? "")")
        if projected.error == nil {
            // Compared by row position: a value the full read refuses in another field
            // refuses its record there, but not in a read that leaves that field out, so the
            // projected read may keep more rows, never fewer or others.
            let got = Dictionary(
                zip(projected.positions, projected.records.map { $0[first].map(JSONText.string) ?? "absent" }), uniquingKeysWith: { a, _ in a })
            let capped = full.records.count < full.rowCount || projected.records.count < projected.rowCount
            let compared = capped ? min(full.positions.last ?? 0, projected.positions.last ?? 0) : Int.max
            let same = zip(full.positions, full.records).allSatisfy { position, record in
                position > compared || got[position] == (record[first].map(JSONText.string) ?? "absent")
            }
            report.check(same, "reading only '\(first)' gave other values than the full read")
        }
        if full.rowCount < maxRows {
            report.check(full.bytes == bytes.count, "the chunks account for \(full.bytes) bytes of \(bytes.count)")
        }
        return report
    }

    struct Read {
        var records: [ValueObject] = []
        /// The records' row positions.
        var positions: [Int] = []
        var rowCount = 0
        var bytes = 0
        var schema: [String] = []
        var error: (any Error)?

        var summary: String {
            if let error { return "rejected: \(error)" }
            return "\(rowCount) records"
        }
    }

    static func readParquet(_ bytes: [UInt8], projection: Set<String>?, keepsDictionaryText: Bool = false) -> Read {
        var read = Read()
        do {
            var options = DecodeOptions(batchSize: 512)
            options.projection = projection
            options.keepsDictionaryText = keepsDictionaryText
            let reader = try ParquetFileReader(input: MemoryInput(name: "fuzz.parquet", bytes: bytes), options: options)
            read.schema = reader.declaredSchema?.map(\.name) ?? []
            while read.rowCount < maxRows, let chunk = try reader.next() {
                read.rowCount += chunk.batch.count
                read.bytes += chunk.bytes
                if read.records.count < 10_000 {
                    read.records += chunk.batch.records
                    read.positions += chunk.batch.positions
                }
            }
        } catch {
            read.error = error
        }
        return read
    }

    /// Avro: the decoder fed the whole input at once and fed 7 bytes at a time must read the
    /// same records, positions and rejections, and fail (if it does) with the same error.
    static func avro(_ bytes: [UInt8]) -> FuzzReport {
        let whole = decodeAvro(bytes, piece: max(1, bytes.count))
        let small = decodeAvro(bytes, piece: 7)
        var report = FuzzReport(outcome: whole.summary)
        report.check(whole.rows == small.rows, "7-byte pieces read other records (\(small.rows.count) against \(whole.rows.count))")
        report.check(whole.positions == small.positions, "7-byte pieces gave other positions")
        report.check(whole.rejections == small.rejections, "7-byte pieces gave other rejections")
        report.check((whole.error == nil) == (small.error == nil), "one feeding failed and the other did not: \(whole.summary) / \(small.summary)")
        if whole.error == nil {
            report.check(whole.chunkBytes.reduce(0, +) == bytes.count, "the chunks account for \(whole.chunkBytes.reduce(0, +)) bytes of \(bytes.count)")
        }
        return report
    }

    static func decodeAvro(_ bytes: [UInt8], piece: Int) -> DecodedStream {
        var decoder = AvroDecoder(options: DecodeOptions(batchSize: 512), name: "fuzz.avro")
        var chunks: [SourceChunk] = []
        var failure: FormatError?
        do {
            try bytes.withUnsafeBytes { raw in
                var start = 0
                while start < raw.count {
                    let end = min(raw.count, start + piece)
                    chunks += try decoder.feed(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                    start = end
                    if chunks.reduce(0, { $0 + $1.batch.count }) > maxRows { return }
                }
            }
            chunks += try decoder.finish()
        } catch let error as FormatError {
            failure = error
        } catch {
            failure = FormatError(line: nil, message: "unexpected error type: \(error)")
        }
        return DecodedStream(chunks, error: failure)
    }
}
