import SluiceCodecs
import SluiceFormats

/// Writes one column chunk: an optional dictionary page, then data pages (version 1) of about
/// ``ParquetWriteOptions/pageSize`` encoded bytes each — definition levels (RLE / bit-packed
/// hybrid, for optional columns) followed by the values, PLAIN or dictionary indices — each
/// page compressed on its own. Returns the chunk's footer entry.
struct ColumnChunkWriter {
    let options: ParquetWriteOptions
    /// The row group's index, for messages.
    let rowGroup: Int

    /// Appends `chunk`'s pages to `out`; the first byte appended lands at file offset
    /// `fileOffset`. `levels` are the chunk's entries (one per row for a top-level column).
    func write(_ chunk: ColumnChunkBuffer, levels: ChunkLevels, fileOffset: Int, into out: inout [UInt8]) throws -> ParquetColumnChunk {
        let plan = chunk.plan
        let outStart = out.count
        func position() -> Int64 { Int64(fileOffset + (out.count - outStart)) }

        var metadata = ParquetColumnMetaData()
        metadata.type = plan.physicalType
        metadata.pathInSchema = plan.path
        metadata.codec = options.compression.parquetCodec
        metadata.numValues = Int64(levels.count)

        let dictionary = options.dictionary
            ? ChunkDictionary.build(chunk, sizeLimit: options.dictionaryPageSizeLimit) : nil
        metadata.statistics = ColumnStatistics.of(
            chunk, nullCount: levels.count - chunk.valueCount, distinct: dictionary?.distinct)

        var encodings: [ParquetEncoding] = []
        var uncompressedTotal = 0
        var compressedTotal = 0
        var pageIndex = 0
        var scratch: [UInt8] = []

        if let dictionary {
            metadata.dictionaryPageOffset = position()
            var header = ParquetPageHeader()
            header.type = .dictionaryPage
            var dictionaryHeader = ParquetDictionaryPageHeader()
            dictionaryHeader.numValues = try int32(dictionary.count, "dictionary entries")
            dictionaryHeader.encoding = .plain
            header.dictionaryPageHeader = dictionaryHeader
            let sizes = try writePage(header, body: dictionary.page, column: plan.displayName, page: pageIndex, scratch: &scratch, into: &out)
            uncompressedTotal += sizes.uncompressed
            compressedTotal += sizes.compressed
            pageIndex += 1
            encodings.append(.plain)
        }
        metadata.dataPageOffset = position()

        // Data pages: about a page of present values each, ending at a record boundary (the
        // final page takes every entry left).
        let valueCount = chunk.valueCount
        var entry = 0
        var value = 0
        var body: [UInt8] = []
        repeat {
            let planned = pageEnd(chunk, dictionary: dictionary, from: value)
            let end = planned == valueCount
                ? (entry: levels.count, value: valueCount) : levels.pageEnd(from: entry, firstValue: value, values: planned - value)
            body.removeAll(keepingCapacity: true)
            appendLevels(levels, entries: entry..<end.entry, into: &body)
            if let dictionary {
                body.append(UInt8(truncatingIfNeeded: dictionary.bitWidth))
                dictionary.indices.withUnsafeBufferPointer {
                    RLEHybridEncoder.encode(UnsafeBufferPointer(rebasing: $0[value..<end.value]), bitWidth: dictionary.bitWidth, into: &body)
                }
            } else {
                appendPlain(chunk, values: value..<end.value, into: &body)
            }
            var header = ParquetPageHeader()
            header.type = .dataPage
            var dataHeader = ParquetDataPageHeader()
            dataHeader.numValues = try int32(end.entry - entry, "entries in a page")
            dataHeader.encoding = dictionary == nil ? .plain : .rleDictionary
            header.dataPageHeader = dataHeader
            let sizes = try writePage(header, body: body, column: plan.displayName, page: pageIndex, scratch: &scratch, into: &out)
            uncompressedTotal += sizes.uncompressed
            compressedTotal += sizes.compressed
            pageIndex += 1
            entry = end.entry
            value = end.value
        } while entry < levels.count

        if dictionary == nil { encodings.append(.plain) }
        if levels.maxDefinition > 0 || levels.maxRepetition > 0 { encodings.append(.rle) }
        if dictionary != nil { encodings.append(.rleDictionary) }
        metadata.encodings = encodings
        metadata.totalUncompressedSize = Int64(uncompressedTotal)
        metadata.totalCompressedSize = Int64(compressedTotal)

        var column = ParquetColumnChunk()
        column.fileOffset = metadata.dictionaryPageOffset ?? metadata.dataPageOffset
        column.metaData = metadata
        return column
    }

    /// The end of the values of the page starting at value `start`: about a page of encoded
    /// bytes, at least one value.
    private func pageEnd(_ chunk: ColumnChunkBuffer, dictionary: ChunkDictionary?, from start: Int) -> Int {
        let count = chunk.valueCount
        let pageSize = Swift.max(1, options.pageSize)
        if let dictionary {
            return Swift.min(count, start + Swift.max(1, pageSize * 8 / dictionary.bitWidth))
        }
        switch chunk.plan.physicalType {
        case .boolean:
            return Swift.min(count, start + Swift.max(1, pageSize * 8))
        case .byteArray:
            var end = start
            var size = 0
            while end < count, size < pageSize {
                size += 4 + chunk.offsets[end + 1] - chunk.offsets[end]
                end += 1
            }
            return end
        default:
            let width: Int
            switch chunk.plan.physicalType {
            case .int32, .float: width = 4
            case .fixedLenByteArray: width = chunk.plan.fixedLength ?? 1
            default: width = 8
            }
            return Swift.min(count, start + Swift.max(1, pageSize / width))
        }
    }

    /// The levels of `entries`: repetition levels, then definition levels, each a 4-byte
    /// length and the hybrid encoding at the bit width of the level's maximum; a level whose
    /// maximum is 0 is not written.
    private func appendLevels(_ levels: ChunkLevels, entries: Range<Int>, into body: inout [UInt8]) {
        if levels.maxRepetition > 0 {
            appendLevelRun(levels.repetition, entries: entries, fill: 0, maximum: levels.maxRepetition, into: &body)
        }
        if levels.maxDefinition > 0 {
            appendLevelRun(
                levels.definition, entries: entries, fill: UInt8(truncatingIfNeeded: levels.maxDefinition),
                maximum: levels.maxDefinition, into: &body)
        }
    }

    /// One level section: `stored[entries]`, or `fill` for every entry when `stored` is empty.
    private func appendLevelRun(_ stored: [UInt8], entries: Range<Int>, fill: UInt8, maximum: Int, into body: inout [UInt8]) {
        let bitWidth = RLEHybridEncoder.bitWidth(forMaximum: maximum)
        let lengthAt = body.count
        body.append(contentsOf: [0, 0, 0, 0])
        if !stored.isEmpty {
            stored.withUnsafeBufferPointer {
                RLEHybridEncoder.encode(UnsafeBufferPointer(rebasing: $0[entries]), bitWidth: bitWidth, into: &body)
            }
        } else if !entries.isEmpty {
            RLEHybridEncoder.appendRun(fill, count: entries.count, bitWidth: bitWidth, into: &body)
        }
        let length = UInt32(truncatingIfNeeded: body.count - lengthAt - 4)
        withUnsafeBytes(of: length.littleEndian) { bytes in
            for i in 0..<4 { body[lengthAt + i] = bytes[i] }
        }
    }

    /// The PLAIN encoding of present values `values`.
    private func appendPlain(_ chunk: ColumnChunkBuffer, values: Range<Int>, into body: inout [UInt8]) {
        switch chunk.plan.physicalType {
        case .boolean: chunk.booleans.withUnsafeBufferPointer { PlainEncoding.append(UnsafeBufferPointer(rebasing: $0[values]), into: &body) }
        case .int32: chunk.int32s.withUnsafeBufferPointer { PlainEncoding.append(UnsafeBufferPointer(rebasing: $0[values]), into: &body) }
        case .int64: chunk.int64s.withUnsafeBufferPointer { PlainEncoding.append(UnsafeBufferPointer(rebasing: $0[values]), into: &body) }
        case .float: chunk.floats.withUnsafeBufferPointer { PlainEncoding.append(UnsafeBufferPointer(rebasing: $0[values]), into: &body) }
        case .double: chunk.doubles.withUnsafeBufferPointer { PlainEncoding.append(UnsafeBufferPointer(rebasing: $0[values]), into: &body) }
        case .fixedLenByteArray:
            let width = chunk.plan.fixedLength ?? 1
            body.append(contentsOf: chunk.bytes[(values.lowerBound * width)..<(values.upperBound * width)])
        default:
            PlainEncoding.appendByteArrays(bytes: chunk.bytes, offsets: chunk.offsets, range: values, into: &body)
        }
    }

    /// Compresses `body` and appends its header and compressed bytes; returns the sizes the
    /// chunk's metadata adds up (headers included).
    private func writePage(
        _ header: ParquetPageHeader, body: [UInt8], column: String, page: Int, scratch: inout [UInt8], into out: inout [UInt8]
    ) throws -> (uncompressed: Int, compressed: Int) {
        var header = header
        let codec = options.compression.blockCodec
        if let codec {
            scratch.removeAll(keepingCapacity: true)
            do {
                try body.withUnsafeBytes { try codec.compress($0, level: options.level, into: &scratch) }
            } catch {
                throw FormatError(
                    "Parquet: compressing page \(page) of column \"\(column)\" in row group \(rowGroup) with \(codec.rawValue): \(error)")
            }
        }
        let compressedCount = codec == nil ? body.count : scratch.count
        header.uncompressedPageSize = try int32(body.count, "page bytes")
        header.compressedPageSize = try int32(compressedCount, "compressed page bytes")
        let headerBytes = header.encoded()
        out.append(contentsOf: headerBytes)
        out.append(contentsOf: codec == nil ? body : scratch)
        return (headerBytes.count + body.count, headerBytes.count + compressedCount)
    }

    private func int32(_ value: Int, _ what: String) throws -> Int32 {
        guard let result = Int32(exactly: value) else {
            throw FormatError("Parquet: row group \(rowGroup): \(value) \(what) do not fit the format's 32-bit field")
        }
        return result
    }
}
