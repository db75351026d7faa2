import SluiceCore
import SluiceFormats

/// Format settings shared by the file source and target (`format`, `compression`,
/// `delimiter`).
struct FileFormatOptions: Sendable {
    let format: FileFormat
    let compression: FileCompression
    let delimiter: UInt8

    /// Resolves the format from `format` or else the path's extensions (`.csv.gz` is CSV).
    init(path: String, format: FileFormat?, compression: FileCompression? = nil, delimiter: String?) throws {
        let inferred = FileFormat.infer(fromName: path)
        if let format {
            self.format = format
        } else if let found = inferred.format {
            self.format = found
        } else if path.lowercased().hasSuffix(".xls") {
            throw SpecError(path: "format", "legacy .xls files are not supported; save the workbook as .xlsx")
        } else {
            throw SpecError(
                path: "format",
                "cannot tell the format of '\(path)' from its extension; set format to one of \(FileFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.compression = compression ?? .auto
        let allowed: [FileCompression]
        switch self.format {
        case .json, .ndjson, .csv: allowed = [.auto, .none, .gzip, .zstd, .bzip2]
        case .parquet: allowed = [.auto, .none, .snappy, .gzip, .zstd]
        case .avro: allowed = [.auto, .none, .deflate, .snappy, .zstd]
        case .xlsx: allowed = [.auto]
        }
        guard allowed.contains(self.compression) else {
            throw SpecError(
                path: "compression",
                "\(self.format.rawValue) files take compression \(allowed.map(\.rawValue).joined(separator: ", ")), not \(self.compression.rawValue)")
        }
        if self.format.textFormat == nil, let codec = inferred.compression {
            throw SpecError(
                path: "path",
                "\(self.format.rawValue) files are compressed inside (by page, block or zip entry) and cannot be read or written as a whole \(codec.rawValue) stream ('\(path)')")
        }
        if let delimiter {
            guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte != UInt8(ascii: "\""),
                byte != 0x0A, byte != 0x0D
            else {
                throw SpecError(path: "delimiter", "expected a single ASCII character other than a quote or line break, got '\(delimiter)'")
            }
            self.delimiter = byte
        } else {
            var name = path.lowercased()
            if let codec = inferred.compression { name.removeLast(codec.fileExtension.count) }
            self.delimiter = self.format == .csv && name.hasSuffix(".tsv") ? 0x09 : UInt8(ascii: ",")
        }
    }
}
