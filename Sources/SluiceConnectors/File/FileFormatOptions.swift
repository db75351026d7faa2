import SluiceCore
import SluiceFormats

/// Format settings shared by the file source and target (`format`, `delimiter`, `header`).
struct FileFormatOptions: Sendable {
    let format: DataFormat
    let delimiter: UInt8

    /// Resolves the format from `format` or else the path's extension.
    init(path: String, format: DataFormat?, delimiter: String?) throws {
        if let format {
            self.format = format
        } else if let inferred = FileFormatOptions.inferFormat(path: path) {
            self.format = inferred
        } else {
            throw SpecError(path: "format", "cannot tell the format of '\(path)' from its extension; set format to one of json, ndjson, csv")
        }
        if let delimiter {
            guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte != UInt8(ascii: "\""),
                byte != 0x0A, byte != 0x0D
            else {
                throw SpecError(path: "delimiter", "expected a single ASCII character other than a quote or line break, got '\(delimiter)'")
            }
            self.delimiter = byte
        } else {
            self.delimiter = self.format == .csv && path.lowercased().hasSuffix(".tsv") ? 0x09 : UInt8(ascii: ",")
        }
    }

    static func inferFormat(path: String) -> DataFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { return .ndjson }
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") { return .csv }
        return nil
    }
}
