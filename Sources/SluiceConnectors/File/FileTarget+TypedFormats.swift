import SluiceAvro
import SluiceCore
import SluiceFormats
import SluiceParquet
import SluiceXLSX

extension FileTarget {
    /// The encoder of a typed format (Parquet, Avro, XLSX), keeping the types `declared` for
    /// the fields that reach the target unchanged.
    func makeTypedEncoder(declared: [FieldSchema], scratchDirectory: String) throws -> any RecordFileEncoder {
        let hints = Dictionary(declared.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        switch options.format {
        case .parquet:
            var parquet = ParquetWriteOptions(fieldSchemas: hints)
            switch options.compression {
            case .none: parquet.compression = .none
            case .gzip: parquet.compression = .gzip
            case .zstd: parquet.compression = .zstd
            default: parquet.compression = .snappy
            }
            if let rows = config.rowGroupSize { parquet.rowGroupSize = rows }
            if let dictionary = config.dictionary { parquet.dictionary = dictionary }
            return ParquetEncoder(options: parquet)
        case .avro:
            var avro = AvroWriteOptions(fieldSchemas: hints)
            switch options.compression {
            case .deflate: avro.codec = .deflate
            case .snappy: avro.codec = .snappy
            case .zstd: avro.codec = .zstandard
            default: avro.codec = .null
            }
            return AvroEncoder(options: avro, name: configuredPath)
        case .xlsx:
            // The declared types are not passed: the XLSX writer takes declared fields as the
            // whole list of columns, and a job may add fields the source did not declare.
            return XLSXEncoder(
                options: XLSXWriteOptions(
                    sheetName: config.sheet ?? "Sheet1", header: header, splitField: config.sheetField, scratchDirectory: scratchDirectory))
        case .json, .ndjson, .csv:
            throw ConnectorError.io("\(options.format.rawValue) is written as text")
        }
    }
}
