// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCodecs

/// The block codecs of the Avro object container format that Sluice reads and writes
/// (`avro.codec` in the header): all of them are read; `bzip2` is not written (SluiceCodecs
/// has no bzip2 compressor). `xz` is refused by name.
public enum AvroCodec: String, Sendable, CaseIterable {
    /// Blocks stored as they are.
    case null
    /// Raw deflate (RFC 1951).
    case deflate
    /// Raw snappy followed by the big-endian CRC-32 of the uncompressed data.
    case snappy
    /// A zstandard frame.
    case zstandard
    /// A bzip2 stream (read only).
    case bzip2

    /// Appends the uncompressed bytes of `data` (one block's data as stored) to `output`,
    /// producing at most `limit` bytes. Throws a message (the caller adds the file and block).
    func decompress(_ data: UnsafeRawBufferPointer, limit: Int, into output: inout [UInt8]) throws(AvroDataError) {
        do {
            switch self {
            case .null:
                output.append(contentsOf: data)
            case .deflate:
                try Self.inflate(data, limit: limit, into: &output)
            case .zstandard:
                try BlockCodec.zstd.decompress(data, expectedSize: nil, limit: limit, into: &output)
            case .bzip2:
                try Self.bunzip(data, limit: limit, into: &output)
            case .snappy:
                guard data.count >= 4 else {
                    throw AvroDataError(message: "the snappy block has \(data.count) bytes, too few for its CRC-32", offset: 0)
                }
                let body = UnsafeRawBufferPointer(rebasing: data[..<(data.count - 4)])
                let start = output.count
                try BlockCodec.snappy.decompress(body, expectedSize: nil, limit: limit, into: &output)
                var stored: UInt32 = 0
                for byte in data[(data.count - 4)...] { stored = stored << 8 | UInt32(byte) }
                let actual = output.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
                guard stored == actual else {
                    throw AvroDataError(
                        message: "the snappy block's CRC-32 is \(hex(stored)) but its data's is \(hex(actual))", offset: data.count - 4)
                }
            }
        } catch let error as CodecError {
            throw AvroDataError(message: "\(rawValue) decompression failed: \(error.message)", offset: 0)
        } catch let error as AvroDataError {
            throw error
        } catch {
            throw AvroDataError(message: "\(rawValue) decompression failed: \(error)", offset: 0)
        }
    }

    /// Raw deflate as Avro readers take it: bytes after the end of the deflate stream are
    /// ignored, as Java's `Inflater` ignores them. Python writers (fastavro and the `avro`
    /// package) store `zlib.compress(data)[2:-1]`, which leaves 3 bytes of the Adler-32
    /// trailer after the stream. ``BlockCodec/deflate`` refuses trailing data and says where
    /// the stream ended, so that case is decompressed again up to there.
    private static func inflate(_ data: UnsafeRawBufferPointer, limit: Int, into output: inout [UInt8]) throws {
        do {
            try BlockCodec.deflate.decompress(data, expectedSize: nil, limit: limit, into: &output)
        } catch let error as CodecError {
            let marker = "bytes of trailing data after the stream at byte "
            guard let range = error.message.firstRange(of: marker),
                let end = Int(error.message[range.upperBound...].prefix { $0.isASCII && $0.isNumber }),
                end > 0, end < data.count
            else { throw error }
            try BlockCodec.deflate.decompress(UnsafeRawBufferPointer(rebasing: data[..<end]), expectedSize: nil, limit: limit, into: &output)
        }
    }

    /// A bzip2 block through the stream decompressor, at most `limit` bytes of output.
    private static func bunzip(_ data: UnsafeRawBufferPointer, limit: Int, into output: inout [UInt8]) throws {
        var decompressor = StreamCodec.bzip2.makeDecompressor()
        let start = output.count
        var offset = 0
        while true {
            let before = output.count
            let room = min(1 << 20, limit - (before - start) + 1)
            let used = try decompressor.decompress(UnsafeRawBufferPointer(rebasing: data[offset...]), into: &output, limit: room)
            offset += used
            guard output.count - start <= limit else { throw CodecError("bzip2: output exceeds the limit of \(limit) bytes") }
            if used == 0, output.count == before { break }
        }
        guard offset == data.count else { throw CodecError("bzip2: \(data.count - offset) bytes after the stream at byte \(offset)") }
        try decompressor.finish()
    }

    /// Appends the stored form of `data` (one block's encoded records) to `output`.
    func compress(_ data: UnsafeRawBufferPointer, level: Int?, into output: inout [UInt8]) throws {
        switch self {
        case .null:
            output.append(contentsOf: data)
        case .deflate:
            try BlockCodec.deflate.compress(data, level: level, into: &output)
        case .zstandard:
            try BlockCodec.zstd.compress(data, level: level, into: &output)
        case .bzip2:
            throw CodecError("bzip2 compression is not supported")
        case .snappy:
            try BlockCodec.snappy.compress(data, level: level, into: &output)
            let crc = CRC32.checksum(data)
            output.append(contentsOf: [UInt8(truncatingIfNeeded: crc >> 24), UInt8(truncatingIfNeeded: crc >> 16), UInt8(truncatingIfNeeded: crc >> 8), UInt8(truncatingIfNeeded: crc)])
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
