// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceFormats

/// The header of an Avro object container file: the magic `Obj` 0x01, the metadata map
/// (`avro.schema`, `avro.codec`, anything else), and the 16-byte sync marker that follows
/// every block.
struct AvroHeader: Sendable {
    /// The four bytes every Avro object container file starts with.
    static let magic: [UInt8] = [0x4F, 0x62, 0x6A, 0x01]

    /// The metadata entries, in file order.
    var metadata: [(key: String, value: [UInt8])]
    /// The writer schema's JSON text (`avro.schema`).
    var schemaJSON: [UInt8]
    /// The block codec (`avro.codec`, `null` when absent).
    var codec: AvroCodec
    /// The sync marker.
    var sync: AvroSyncMarker
    /// The bytes the header takes, from the magic to the end of the sync marker.
    var length: Int

    /// Parses the header at the start of `buffer`; `nil` when `buffer` ends before the header
    /// does (more input is needed). Throws ``FormatError`` naming `name` and the byte offset
    /// for a header that is wrong.
    static func parse(_ buffer: UnsafeRawBufferPointer, name: String) throws(FormatError) -> AvroHeader? {
        for (i, byte) in magic.enumerated() where i < buffer.count {
            guard buffer[i] == byte else {
                let shown = buffer.prefix(4).map { String($0, radix: 16) }.joined(separator: " ")
                throw FormatError("\(name): not an Avro object container file: it starts with bytes \(shown), not 4f 62 6a 01 ('Obj' 1)")
            }
        }
        guard buffer.count > magic.count else { return nil }
        var cursor = AvroCursor(buffer, at: magic.count)
        var metadata: [(key: String, value: [UInt8])] = []
        do throws(AvroDataError) {
            while true {
                let countOffset = cursor.position
                let count = try cursor.readLong()
                if count == 0 { break }
                guard let magnitude = Int(exactly: count.magnitude) else {
                    throw AvroDataError(message: "the metadata map's block count \(count) is out of range", offset: countOffset)
                }
                if count < 0 {
                    let sizeOffset = cursor.position
                    let size = try cursor.readLong()
                    guard size >= 0 else { throw AvroDataError(message: "the metadata map's block size \(size) is negative", offset: sizeOffset) }
                }
                for _ in 0..<magnitude {
                    let keyOffset = cursor.position
                    let keyBytes = try cursor.readBytes()
                    guard let key = AvroText.string(keyBytes) else {
                        throw AvroDataError(message: "a metadata key is not valid UTF-8", offset: keyOffset)
                    }
                    let value = Array(try cursor.readBytes())
                    if let existing = metadata.firstIndex(where: { $0.key == key }) {
                        metadata[existing].value = value
                    } else {
                        metadata.append((key, value))
                    }
                }
            }
            let sync = AvroSyncMarker(try cursor.readFixed(AvroSyncMarker.size))
            guard let schema = metadata.first(where: { $0.key == "avro.schema" })?.value else {
                throw AvroDataError(message: "the header has no avro.schema entry", offset: magic.count)
            }
            let codecName = metadata.first(where: { $0.key == "avro.codec" }).map { String(decoding: $0.value, as: UTF8.self) } ?? "null"
            guard let codec = AvroCodec(rawValue: codecName) else {
                throw AvroDataError(
                    message: "the codec '\(codecName)' is not supported (Sluice reads \(AvroCodec.allCases.map(\.rawValue).joined(separator: ", ")))",
                    offset: magic.count)
            }
            return AvroHeader(metadata: metadata, schemaJSON: schema, codec: codec, sync: sync, length: cursor.position)
        } catch {
            if error.truncated { return nil }
            throw FormatError("\(name): header at byte \(error.offset): \(error.message)")
        }
    }
}

/// The 16 random bytes that end the header and every block, held as two words so a block's
/// marker is checked with two comparisons.
struct AvroSyncMarker: Sendable, Equatable {
    /// The marker's length in bytes.
    static let size = 16

    var low: UInt64
    var high: UInt64

    /// The marker in `bytes` (exactly 16 of them).
    init(_ bytes: UnsafeRawBufferPointer) {
        low = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        high = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
    }

    /// The marker from `bytes`, `nil` unless there are exactly 16 of them.
    init?(bytes: [UInt8]) {
        guard bytes.count == Self.size else { return nil }
        self = bytes.withUnsafeBytes { AvroSyncMarker($0) }
    }

    /// The 16 bytes.
    var bytes: [UInt8] {
        withUnsafeBytes(of: (low, high)) { Array($0) }
    }
}
