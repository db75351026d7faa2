import SluiceAvro
import SluiceCodecs
import SluiceCore
import SluiceFormats
import SluiceParquet

extension FileSource {
    /// A reader for the typed formats: Parquet and XLSX through random access, Avro as a
    /// stream (which may itself be compressed as a whole).
    func openTypedReader(_ entry: FileSet.Entry, codec: StreamCodec?) throws -> any BatchReader {
        switch options.format {
        case .parquet:
            let input = try LocalFileInput(path: entry.path, name: entry.shown)
            return RecordFileBatchReader(try ParquetFileReader(input: input, options: decodeOptions()), expectedBytes: input.size)
        case .avro:
            let stream = try openByteStream(entry.path, shown: entry.shown, codec: codec)
            let reader = StreamBatchReader(
                stream: stream, decoder: AvroDecoder(options: decodeOptions(), name: entry.shown), expectedBytes: entry.size)
            try reader.readSchema()
            return reader
        case .xlsx:
            throw ConnectorError.io("reading xlsx files is not available in this build")
        case .json, .ndjson, .csv:
            throw ConnectorError.io("\(options.format.rawValue) is read as text")
        }
    }
}

extension AvroDecoder: SchemaDeclaringDecoder {}
