import SluiceCore
import SluiceFormats

extension FileTarget {
    /// The encoder of a typed format (Parquet, Avro, XLSX).
    func makeTypedEncoder(scratchDirectory: String) throws -> any RecordFileEncoder {
        throw ConnectorError.io("writing \(options.format.rawValue) files is not available in this build")
    }
}
