import SluiceCore
import SluiceFormats

/// Streams the levels and values of one column chunk, a page at a time: only the current
/// page is decompressed, and values are decoded as callers ask for them, straight into the
/// batch being built (the flat path) or into a small buffer (nested fields).
final class ParquetColumnChunkReader {
    let descriptor: ParquetColumnDescriptor
    let converter: ParquetValueConverter
    private var pages: ParquetPageIterator
    private var dictionary: ParquetColumnValues?
    // The current data page.
    private var page: ParquetPage?
    private var entriesLeft = 0
    private var definition = LevelDecoder.none
    private var repetition = LevelDecoder.none
    private var values = PageValueDecoder.idle
    // Reused buffers.
    private var scratch = ParquetPhysicalValues()
    private var indices: [UInt32] = []
    private var levels: [UInt8] = []

    init(descriptor: ParquetColumnDescriptor, converter: ParquetValueConverter, pages: ParquetPageIterator) {
        self.descriptor = descriptor
        self.converter = converter
        self.pages = pages
    }

    private var maxDefinition: UInt8 { UInt8(truncatingIfNeeded: descriptor.maxDefinitionLevel) }

    /// A `FormatError` at the current page.
    private func failure(_ message: String) -> FormatError {
        if let page { return FormatError("\(pages.location), page at byte \(page.fileOffset): \(message)") }
        return FormatError("\(pages.location): \(message)")
    }

    /// Runs `body`, turning a page decoding failure into a `FormatError` naming the page.
    @inline(__always)
    private func atPage<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as ParquetDecodeError {
            throw failure(error.message)
        }
    }

    // MARK: - Pages

    /// Moves to the next data page that holds entries, reading dictionary pages on the way;
    /// false at the end of the chunk.
    private func nextDataPage() throws -> Bool {
        while true {
            page = nil
            guard let next = try pages.next() else { return false }
            page = next
            switch next.header.type {
            case .dictionaryPage:
                try atPage { try readDictionary(next) }
            case .dataPage, .dataPageV2:
                try atPage { try openDataPage(next) }
                if entriesLeft > 0 { return true }
            default:
                continue
            }
        }
    }

    private func readDictionary(_ page: ParquetPage) throws {
        let header = page.header.dictionaryPageHeader ?? ParquetDictionaryPageHeader()
        guard header.encoding == .plain || header.encoding == .plainDictionary else {
            throw ParquetDecodeError("dictionary page encoding \(PageValueDecoder.name(header.encoding)) is not PLAIN")
        }
        guard header.numValues >= 0 else { throw ParquetDecodeError("a dictionary page declares \(header.numValues) values") }
        var decoder = PageValueDecoder.plain(PlainDecoder(start: page.start, end: page.end))
        var converted = ParquetColumnValues(kind: converter.conversion.kind)
        scratch.removeAll()
        try page.buffer.withUnsafeBytes { p in
            try decoder.decode(
                Int(header.numValues), physical: descriptor.physical, typeLength: converter.typeLength, p, into: &scratch)
        }
        converter.convert(scratch, into: &converted)
        try converted.checkTextSize()
        converted.prepareCodeEntries()
        dictionary = converted
    }

    private func openDataPage(_ page: ParquetPage) throws {
        let maxRepetition = UInt8(truncatingIfNeeded: descriptor.maxRepetitionLevel)
        var position = page.start
        try page.buffer.withUnsafeBytes { p throws in
            if page.header.type == .dataPage {
                guard let header = page.header.dataPageHeader else { throw ParquetDecodeError("a data page has no data page header") }
                guard header.numValues >= 0 else { throw ParquetDecodeError("a data page declares \(header.numValues) values") }
                let entries = Int(header.numValues)
                repetition = try levelDecoder(header.repetitionLevelEncoding, maximum: maxRepetition, count: entries, p, &position, page.end)
                definition = try levelDecoder(header.definitionLevelEncoding, maximum: maxDefinition, count: entries, p, &position, page.end)
                values = try PageValueDecoder(
                    encoding: header.encoding, physical: descriptor.physical, typeLength: converter.typeLength, p, start: position, end: page.end)
                entriesLeft = entries
            } else {
                guard let header = page.header.dataPageHeaderV2 else { throw ParquetDecodeError("a data page v2 has no header") }
                guard header.numValues >= 0 else { throw ParquetDecodeError("a data page declares \(header.numValues) values") }
                let repetitionEnd = position + Int(header.repetitionLevelsByteLength)
                let definitionEnd = repetitionEnd + Int(header.definitionLevelsByteLength)
                guard header.repetitionLevelsByteLength >= 0, header.definitionLevelsByteLength >= 0, definitionEnd <= page.end else {
                    throw ParquetDecodeError("the page's level lengths run past its end")
                }
                repetition = maxRepetition == 0 ? .none : try .rle(maximum: maxRepetition, start: position, end: repetitionEnd)
                definition = maxDefinition == 0 ? .none : try .rle(maximum: maxDefinition, start: repetitionEnd, end: definitionEnd)
                values = try PageValueDecoder(
                    encoding: header.encoding, physical: descriptor.physical, typeLength: converter.typeLength, p, start: definitionEnd,
                    end: page.end)
                entriesLeft = Int(header.numValues)
            }
        }
        self.page = page
    }

    /// The level decoder of a version 1 page (levels with a 4-byte length, or BIT_PACKED).
    private func levelDecoder(
        _ encoding: ParquetEncoding, maximum: UInt8, count: Int, _ p: UnsafeRawBufferPointer, _ position: inout Int, _ end: Int
    ) throws -> LevelDecoder {
        guard maximum > 0 else { return .none }
        switch encoding {
        case .rle:
            let length = try BitReading.length32(p, &position, end: end)
            defer { position += length }
            return try .rle(maximum: maximum, start: position, end: position + length)
        case .bitPacked:
            let (decoder, stop) = try LevelDecoder.bitPacked(maximum: maximum, count: count, start: position, end: end)
            position = stop
            return decoder
        default:
            throw ParquetDecodeError("level encoding \(PageValueDecoder.name(encoding)) is not supported")
        }
    }

    // MARK: - Flat columns

    /// Appends the next `rows` rows of a flat column (no repetition) to `out`, with a null
    /// placeholder at each null row, and their presence: `presence` is started (every earlier
    /// row present) at the first null row.
    func readFlat(_ rows: Int, into out: inout ParquetColumnValues, presence: inout [Column.Presence]?) throws {
        let batchStart = out.count
        var done = 0
        while done < rows {
            if entriesLeft == 0 {
                guard try nextDataPage() else {
                    throw failure("the column chunk ends \(rows - done) rows short of the row group")
                }
            }
            let n = min(entriesLeft, rows - done)
            guard let page else { throw failure("no page is being read") }
            try atPage {
                try page.buffer.withUnsafeBytes { p in
                    if maxDefinition == 0 {
                        try converter.decode(n, with: &values, p, dictionary: dictionary, scratch: &scratch, indices: &indices, into: &out)
                        presence?.append(contentsOf: repeatElement(.present, count: n))
                    } else {
                        try readSpaced(n, p, into: &out, presence: &presence, batchStart: batchStart)
                    }
                }
                try out.checkTextSize()
            }
            entriesLeft -= n
            done += n
        }
    }

    /// `n` rows of an optional flat column: their levels, then the present values, spread.
    private func readSpaced(
        _ n: Int, _ p: UnsafeRawBufferPointer, into out: inout ParquetColumnValues, presence: inout [Column.Presence]?, batchStart: Int
    ) throws {
        if levels.count < n { levels = [UInt8](repeating: 0, count: n) }
        let maxDefinition = self.maxDefinition
        let present = try levels.withUnsafeMutableBufferPointer { buffer throws(ParquetDecodeError) -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            try definition.read(n, p, into: base)
            var present = 0
            for i in 0..<n where buffer[i] == maxDefinition { present += 1 }
            return present
        }
        let segmentStart = out.count
        try converter.decode(present, with: &values, p, dictionary: dictionary, scratch: &scratch, indices: &indices, into: &out)
        guard present < n else {
            presence?.append(contentsOf: repeatElement(.present, count: n))
            return
        }
        try levels.withUnsafeBufferPointer { buffer in
            let segment = UnsafeBufferPointer(rebasing: buffer[0..<n])
            guard out.count == segmentStart + present else { throw ParquetDecodeError("the page's values do not match its levels") }
            out.spreadNulls(from: segmentStart, levels: segment, presentLevel: maxDefinition)
            if presence == nil {
                presence = []
                presence?.reserveCapacity(segmentStart - batchStart + n)
                presence?.append(contentsOf: repeatElement(.present, count: segmentStart - batchStart))
            }
            for level in segment { presence?.append(level == maxDefinition ? .present : .null) }
        }
    }

    /// Checks that the chunk holds no entries beyond the rows read.
    func checkExhausted() throws {
        if entriesLeft > 0 { throw failure("the column chunk holds \(entriesLeft) more values than the row group has rows") }
        while try nextDataPage() {
            throw failure("the column chunk holds \(entriesLeft) more values than the row group has rows")
        }
    }

    // MARK: - Nested columns

    /// Appends up to `limit` entries (levels, and the values of those at the maximum
    /// definition level) from the current page, moving to the next page when it is used up.
    /// Returns the number appended: 0 at the end of the chunk.
    func readEntries(
        _ limit: Int, definitions: inout [UInt8], repetitions: inout [UInt8], values out: inout ParquetColumnValues
    ) throws -> Int {
        if entriesLeft == 0 {
            guard try nextDataPage() else { return 0 }
        }
        let n = min(entriesLeft, limit)
        guard let page else { throw failure("no page is being read") }
        let maxDefinition = self.maxDefinition
        try atPage {
            try page.buffer.withUnsafeBytes { p in
                let start = definitions.count
                definitions.append(contentsOf: repeatElement(0, count: n))
                repetitions.append(contentsOf: repeatElement(0, count: n))
                try definitions.withUnsafeMutableBufferPointer { buffer throws(ParquetDecodeError) in
                    guard let base = buffer.baseAddress else { return }
                    try definition.read(n, p, into: base + start)
                }
                try repetitions.withUnsafeMutableBufferPointer { buffer throws(ParquetDecodeError) in
                    guard let base = buffer.baseAddress else { return }
                    try repetition.read(n, p, into: base + start)
                }
                var present = 0
                for i in start..<(start + n) where definitions[i] == maxDefinition { present += 1 }
                try converter.decode(present, with: &values, p, dictionary: dictionary, scratch: &scratch, indices: &indices, into: &out)
                try out.checkTextSize()
            }
        }
        entriesLeft -= n
        return n
    }
}
