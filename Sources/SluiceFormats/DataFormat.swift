/// A file format that Sluice reads and writes.
public enum DataFormat: String, Codable, Sendable, CaseIterable {
    /// One JSON document: an array of records, or an object holding one.
    case json
    /// Newline-delimited JSON: one object per line.
    case ndjson
    /// Comma-separated values (RFC 4180) with a header row.
    case csv

    /// The format a file name's extension stands for (`.json`, `.ndjson`/`.jsonl`, `.csv`/`.tsv`),
    /// or `nil` when the extension is not one of those.
    public init?(fileExtensionOf path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "json": self = .json
        case "ndjson", "jsonl": self = .ndjson
        case "csv", "tsv": self = .csv
        default: return nil
        }
    }
}
