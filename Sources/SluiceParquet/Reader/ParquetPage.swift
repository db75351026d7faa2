import SluiceCodecs
import SluiceFormats

/// One page of a column chunk, its payload decompressed: `buffer[start ..< end]` holds the
/// levels and values of a data page (for version 2, the uncompressed levels followed by the
/// decompressed values) or the values of a dictionary page.
struct ParquetPage {
    let header: ParquetPageHeader
    /// The file offset of the page header.
    let fileOffset: Int
    let buffer: [UInt8]
    let start: Int
    let end: Int
}

/// Walks the pages of one column chunk held in memory, decompressing each payload with the
/// chunk's codec (to the exact size the header declares, within a named limit).
struct ParquetPageIterator {
    private let chunk: [UInt8]
    /// The file offset of `chunk[0]`.
    private let chunkOffset: Int
    private var position = 0
    private let codec: BlockCodec?
    /// `orders.parquet: row group 2, column 'amount'`, for messages.
    let location: String

    /// An iterator over `chunk`, which starts at file offset `chunkOffset`.
    init(chunk: [UInt8], chunkOffset: Int, compression: ParquetCompression, location: String) throws {
        self.chunk = chunk
        self.chunkOffset = chunkOffset
        self.location = location
        switch compression {
        case .uncompressed: codec = nil
        case .snappy: codec = .snappy
        case .gzip: codec = .gzip
        case .zstd: codec = .zstd
        case .lz4Raw: codec = .lz4Raw
        case .lzo: throw FormatError("\(location): the LZO codec is not supported")
        case .brotli: throw FormatError("\(location): the BROTLI codec is not supported")
        case .lz4: throw FormatError("\(location): the LZ4 codec (Hadoop framing) is not supported; LZ4_RAW is")
        default: throw FormatError("\(location): unknown compression codec \(compression.rawValue)")
        }
    }

    /// The next page, or `nil` at the end of the chunk.
    mutating func next() throws -> ParquetPage? {
        guard position < chunk.count else { return nil }
        let pageOffset = chunkOffset + position
        let context = "\(location), page at byte \(pageOffset)"
        let (header, headerLength) = try chunk.withUnsafeBytes { bytes in
            var reader = ThriftCompactReader(
                UnsafeRawBufferPointer(rebasing: bytes[position...]), fileOffset: pageOffset, context: context)
            let header = try ParquetPageHeader(thrift: &reader)
            return (header, reader.position)
        }
        let payloadStart = position + headerLength
        let compressedSize = Int(header.compressedPageSize)
        let uncompressedSize = Int(header.uncompressedPageSize)
        guard compressedSize <= chunk.count - payloadStart else {
            throw FormatError(
                "\(context): the page's \(compressedSize) bytes run past the end of the column chunk (\(chunk.count - payloadStart) bytes left)")
        }
        guard uncompressedSize <= ParquetReadLimits.maximumPageBytes else {
            throw FormatError("\(context): the page declares \(uncompressedSize) bytes, more than the limit of \(ParquetReadLimits.maximumPageBytes)")
        }
        let payloadEnd = payloadStart + compressedSize
        position = payloadEnd
        guard let codec else {
            return ParquetPage(header: header, fileOffset: pageOffset, buffer: chunk, start: payloadStart, end: payloadEnd)
        }
        var levelBytes = 0
        if header.type == .dataPageV2, let v2 = header.dataPageHeaderV2 {
            let definition = Int(v2.definitionLevelsByteLength)
            let repetition = Int(v2.repetitionLevelsByteLength)
            guard definition >= 0, repetition >= 0, definition + repetition <= compressedSize, definition + repetition <= uncompressedSize else {
                throw FormatError("\(context): level lengths \(repetition) + \(definition) do not fit the page")
            }
            levelBytes = definition + repetition
            guard v2.isCompressed else {
                return ParquetPage(header: header, fileOffset: pageOffset, buffer: chunk, start: payloadStart, end: payloadEnd)
            }
        } else if header.type != .dataPage && header.type != .dictionaryPage {
            // Index pages and pages of unknown types are skipped without decompressing.
            return ParquetPage(header: header, fileOffset: pageOffset, buffer: chunk, start: payloadStart, end: payloadEnd)
        }
        var output: [UInt8] = []
        // Grown as the codec writes; the declared size only bounds the reservation.
        output.reserveCapacity(min(uncompressedSize, 16 << 20))
        output.append(contentsOf: chunk[payloadStart..<(payloadStart + levelBytes)])
        let expected = uncompressedSize - levelBytes
        let compressedStart = payloadStart + levelBytes
        if compressedStart < payloadEnd || expected > 0 {
            do {
                try chunk.withUnsafeBytes { bytes in
                    try codec.decompress(
                        UnsafeRawBufferPointer(rebasing: bytes[compressedStart..<payloadEnd]), expectedSize: expected,
                        limit: expected, into: &output)
                }
            } catch let error as CodecError {
                throw FormatError("\(context): \(codec.rawValue) data cannot be decompressed: \(error.message)")
            }
        }
        guard output.count == uncompressedSize else {
            throw FormatError("\(context): the page decompresses to \(output.count) bytes, not the \(uncompressedSize) its header declares")
        }
        return ParquetPage(header: header, fileOffset: pageOffset, buffer: output, start: 0, end: output.count)
    }
}
