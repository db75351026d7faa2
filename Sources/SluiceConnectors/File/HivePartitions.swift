import SluiceCore

/// Hive-style partition folders (`year=2024/month=05/`): read as fields, written from them.
///
/// A folder name is `key=value` with the value percent-escaped where it holds `/`, `=`, `%`,
/// control characters or other characters file systems or Hive treat specially; a null value
/// is the folder `key=__HIVE_DEFAULT_PARTITION__`, as Hive and Spark write it. On read, values
/// are typed as DuckDB's `hive_types_autocast` types them (see ``typed(_:)``).
enum HivePartitions {
    /// The folder name Hive uses for a null partition value.
    static let nullValue = "__HIVE_DEFAULT_PARTITION__"

    /// The raw partition values of a file below its base directory: one per `key=value`
    /// folder, outermost first (a key repeated deeper wins), `nil` for the default (null)
    /// partition. Folders without `=` are ignored.
    static func rawFields(of directories: [String]) -> [(name: String, text: String?)] {
        var fields: [(name: String, text: String?)] = []
        for folder in directories {
            guard let equals = folder.firstIndex(of: "="), equals != folder.startIndex else { continue }
            let name = unescape(String(folder[..<equals]))
            let raw = unescape(String(folder[folder.index(after: equals)...]))
            let text = raw == nullValue ? nil : raw
            if let existing = fields.firstIndex(where: { $0.name == name }) {
                fields[existing].text = text
            } else {
                fields.append((name, text))
            }
        }
        return fields
    }

    /// The partition fields of every file of a set, typed per key across the whole set as
    /// DuckDB does: a key is an integer or a date only when every file's value is one.
    static func fields(of files: [[String]]) -> [[(name: String, value: Value)]] {
        let raw = files.map(rawFields(of:))
        var kinds: [String: Value] = [:]
        for fields in raw {
            for (name, text) in fields {
                guard let text else { continue }
                let typed = typed(text)
                switch (kinds[name], typed) {
                case (nil, _): kinds[name] = typed
                case (.int?, .int), (.timestamp?, .timestamp), (.string?, _): break
                default: kinds[name] = .string(text)
                }
            }
        }
        return raw.map { fields in
            fields.map { name, text in
                guard let text else { return (name, Value.null) }
                if case .string = kinds[name] { return (name, .string(text)) }
                return (name, typed(text))
            }
        }
    }

    /// The partition fields of one file on its own (its values typed alone).
    static func fields(of directories: [String]) -> [(name: String, value: Value)] {
        fields(of: [directories]).first ?? []
    }

    /// `text` as DuckDB's `hive_types_autocast` types it: an integer when `text` is exactly
    /// its canonical form (`2024`, not `05` or `+5`), a date or date-time (`2024-05-01`,
    /// `2024-05-01 10:00:00`) as a timestamp, else text (`1.5` stays text, as in DuckDB).
    static func typed(_ text: String) -> Value {
        if text.utf8.count <= 20, let integer = Int(text), String(integer) == text { return .int(integer) }
        let bytes = Array(text.utf8)
        if bytes.count >= 10, bytes.count <= 32, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes.count == 10 || bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
            let timestamp = Timestamp(iso8601: text)
        {
            return .timestamp(timestamp)
        }
        return .string(text)
    }

    /// The folder name for `value` of field `name`: `month=5`, `city=São Paulo` (only unsafe
    /// characters are escaped: `path=a%2Fb`). Null and empty text are the default partition.
    static func folder(name: String, value: Value) -> String {
        let text: String
        switch value {
        case .null: text = nullValue
        case .string(let string): text = string.isEmpty ? nullValue : string
        case .int(let int): text = String(int)
        case .double(let double): text = double == double.rounded() && abs(double) < 1e15 ? String(Int(double)) : String(double)
        case .bool(let bool): text = bool ? "true" : "false"
        case .timestamp(let timestamp): text = timestamp.iso8601
        case .array, .object: text = JSONText.string(value)
        }
        return escape(name) + "=" + (text == nullValue ? text : escape(text))
    }

    /// Bytes a partition folder name escapes (as Hive's `FileUtils.escapePathName` does, plus
    /// the space-like control range).
    private static let unsafe: Set<UInt8> = Set("\"#%'*/:=?\\{[]^".utf8).union(0...0x1F).union([0x7F])

    static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        for byte in text.utf8 {
            if unsafe.contains(byte) {
                out.append(UInt8(ascii: "%"))
                out.append(hex(byte >> 4))
                out.append(hex(byte & 0xF))
            } else {
                out.append(byte)
            }
        }
        if out.first == UInt8(ascii: ".") { out.replaceSubrange(0..<1, with: Array("%2E".utf8)) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x41 + nibble - 10 }

    /// `%XX` sequences decoded; anything else kept as it is.
    static func unescape(_ text: String) -> String {
        guard text.contains("%") else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count, let high = nibble(bytes[index + 1]), let low = nibble(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}
