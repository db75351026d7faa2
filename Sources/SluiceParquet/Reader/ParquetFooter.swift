import SluiceFormats

/// The footer of a Parquet file: `PAR1`, the data, the Thrift-encoded `FileMetaData`, its
/// 4-byte little-endian length, and `PAR1` again.
struct ParquetFooter: Sendable {
    let metadata: ParquetFileMetaData
    /// The file offset where the metadata begins (the end of the data).
    let offset: Int

    private static let magic: [UInt8] = Array("PAR1".utf8)
    private static let encryptedMagic: [UInt8] = Array("PARE".utf8)

    /// Reads and decodes the footer of `input`.
    static func read(_ input: any RandomAccessInput) throws -> ParquetFooter {
        let name = input.name
        guard input.size >= 12 else {
            throw FormatError("\(name): not a Parquet file: \(input.size) bytes is too small (a Parquet file has at least 12)")
        }
        let tail = try input.read(offset: input.size - 8, count: 8)
        let trailer = Array(tail[4..<8])
        if trailer == encryptedMagic {
            throw FormatError("\(name): the Parquet footer is encrypted (PARE), which is not supported")
        }
        guard trailer == magic else {
            throw FormatError("\(name): not a Parquet file: the last 4 bytes (at byte \(input.size - 4)) are not PAR1")
        }
        let head = try input.read(offset: 0, count: 4)
        guard head == magic else {
            throw FormatError("\(name): not a Parquet file: the first 4 bytes are not PAR1")
        }
        let length = UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24
        guard Int(length) <= input.size - 12 else {
            throw FormatError("\(name): the footer length \(length) (at byte \(input.size - 8)) is larger than the file allows (\(input.size - 12))")
        }
        guard Int(length) <= ParquetReadLimits.maximumFooterBytes else {
            throw FormatError("\(name): the footer length \(length) is larger than the limit of \(ParquetReadLimits.maximumFooterBytes) bytes")
        }
        let offset = input.size - 8 - Int(length)
        let bytes = try input.read(offset: offset, count: Int(length))
        let metadata = try bytes.withUnsafeBytes { raw in
            var reader = ThriftCompactReader(raw, fileOffset: offset, context: "\(name): footer")
            return try ParquetFileMetaData(thrift: &reader)
        }
        return ParquetFooter(metadata: metadata, offset: offset)
    }
}
