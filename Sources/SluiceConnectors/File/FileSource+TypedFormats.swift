import SluiceCodecs
import SluiceCore
import SluiceFormats

extension FileSource {
    /// A reader for the typed formats: Parquet and XLSX through random access, Avro as a stream.
    func openTypedReader(_ entry: FileSet.Entry, codec: StreamCodec?) throws -> any BatchReader {
        throw ConnectorError.io("reading \(options.format.rawValue) files is not available in this build")
    }
}
