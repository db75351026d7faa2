import Foundation
import SluiceAvro
import SluiceCore
import SluiceFormats

/// What a whole decode produced.
struct DecodedAvro {
    var chunks: [SourceChunk]
    var schema: [FieldSchema]?

    /// Every row, as objects.
    var rows: [Value] { chunks.flatMap { chunk in chunk.batch.records.map { Value.object($0) } } }
    /// Every row's position.
    var positions: [Int] { chunks.flatMap(\.batch.positions) }
    /// Every rejection.
    var rejected: [Rejection] { chunks.flatMap(\.rejected) }
    /// The bytes the chunks account for.
    var bytes: Int { chunks.reduce(0) { $0 + $1.bytes } }
    /// The row count of each non-empty batch.
    var batchSizes: [Int] { chunks.map(\.batch.count).filter { $0 > 0 } }
}

/// Decodes `bytes` fed in chunks of `chunkSize` bytes.
func decodeAvro(_ bytes: [UInt8], chunkSize: Int = 1 << 20, options: DecodeOptions = DecodeOptions(), name: String = "test.avro") throws -> DecodedAvro {
    var decoder = AvroDecoder(options: options, name: name)
    var chunks: [SourceChunk] = []
    var offset = 0
    var schema: [FieldSchema]?
    try bytes.withUnsafeBytes { raw in
        while offset < raw.count {
            let end = min(raw.count, offset + chunkSize)
            chunks += try decoder.feed(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
            if schema == nil { schema = decoder.declaredSchema }
            offset = end
        }
    }
    chunks += try decoder.finish()
    return DecodedAvro(chunks: chunks, schema: decoder.declaredSchema ?? schema)
}

/// A value as the oracle prints it: timestamps become `{"$ts": µs}`.
func comparable(_ value: Value) -> Value {
    switch value {
    case .timestamp(let t): return .object(ValueObject([("$ts", .int(Int(t.microseconds)))]))
    case .array(let items): return .array(items.map(comparable))
    case .object(let object): return .object(ValueObject(object.pairs.map { ($0.0, comparable($0.1)) }))
    default: return value
    }
}

/// The first difference between two row lists, described, or `nil` when they are equal
/// (numbers compare by value, as `Value`'s `==` does; -0.0 equals 0.0).
func firstDifference(_ actual: [Value], _ expected: [Value]) -> String? {
    for (i, (a, e)) in zip(actual, expected).enumerated() where comparable(a) != e {
        if case .object(let ao) = comparable(a), case .object(let eo) = e {
            for key in Set(ao.keys).union(eo.keys).sorted() where ao[key] != eo[key] {
                return "row \(i + 1), field '\(key)': got \(ao[key].map(JSONText.string) ?? "nothing"), expected \(eo[key].map(JSONText.string) ?? "nothing")"
            }
        }
        return "row \(i + 1): got \(JSONText.string(comparable(a))), expected \(JSONText.string(e))"
    }
    if actual.count != expected.count { return "got \(actual.count) rows, expected \(expected.count)" }
    return nil
}

/// The bytes of the file at `path`.
func readBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Writes `bytes` to `path`.
func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Outcome of decoding damaged input: decoded, refused with a `FormatError`, or failed with
/// another error (which tests count as a bug).
enum DamagedOutcome: Equatable {
    case decoded(rows: Int)
    case refused(String)
    case wrongError(String)
}

/// Decodes damaged `bytes` and says how it went.
func decodeDamaged(_ bytes: [UInt8], chunkSize: Int = 1 << 20) -> DamagedOutcome {
    do {
        let decoded = try decodeAvro(bytes, chunkSize: chunkSize)
        return .decoded(rows: decoded.rows.count)
    } catch let error as FormatError {
        return .refused(error.message)
    } catch {
        return .wrongError("\(type(of: error)): \(error)")
    }
}
