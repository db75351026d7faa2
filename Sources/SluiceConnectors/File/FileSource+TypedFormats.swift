import SluiceAvro
import SluiceCodecs
import SluiceCore
import SluiceFormats
import SluiceParquet
import SluiceXLSX

extension FileSource {
    /// A reader for the typed formats: Parquet and XLSX through random access, Avro as a
    /// stream (which may itself be compressed as a whole).
    func openTypedReader(_ entry: FileSet.Entry, codec: StreamCodec?) async throws -> any BatchReader {
        switch options.format {
        case .parquet:
            if remote != nil {
                // An object: its footer, then the column chunks of each run of row groups.
                let blocks = try await parquetBlocks(entry, options: decodeOptions(), blockBytes: 64 << 20)
                return BlockSequenceReader(blocks)
            }
            let input = try LocalFileInput(path: entry.path, name: entry.shown)
            return RecordFileBatchReader(try ParquetFileReader(input: input, options: decodeOptions()), expectedBytes: input.size)
        case .avro:
            let stream = try openStream(entry, codec: codec)
            let reader = StreamBatchReader(
                stream: stream, decoder: AvroDecoder(options: decodeOptions(), name: entry.shown), expectedBytes: entry.size)
            try await reader.readSchema()
            return reader
        case .xlsx:
            let input = try await wholeInput(entry)
            var xlsx = XLSXReadOptions(header: config.header ?? true, range: config.range, batchSize: batchSize, projection: projection)
            switch config.sheet {
            case .name(let name)?: xlsx.sheet = .name(name)
            case .index(let index)?: xlsx.sheet = .index(index)
            case nil: break
            }
            return RecordFileBatchReader(try XLSXReader(input: input, options: xlsx), expectedBytes: input.size)
        case .json, .ndjson, .csv:
            throw ConnectorError.io("\(options.format.rawValue) is read as text")
        }
    }
}

extension AvroDecoder: SchemaDeclaringDecoder {}
