import SluiceCore
import SluiceFormats

extension FileTarget {
    /// The encoder of a typed format (Parquet, Avro, XLSX), keeping the types `declared` for
    /// the fields that reach the target unchanged.
    func makeTypedEncoder(declared: [FieldSchema], scratchDirectory: String) throws -> any RecordFileEncoder {
        throw ConnectorError.io("writing \(options.format.rawValue) files is not available in this build")
    }
}
