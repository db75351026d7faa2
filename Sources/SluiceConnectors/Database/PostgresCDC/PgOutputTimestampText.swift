import SluiceCore

/// Parses the ISO text PostgreSQL prints for `date`, `timestamp` and `timestamptz` (with
/// `DateStyle` ISO): `2024-03-10`, `2024-03-10 12:00:00.5`, `2024-03-10 12:00:00+05:30`,
/// including offsets with seconds (`+00:53:28`, historic local mean time).
///
/// Values without a zone (`date`, `timestamp`) are taken as UTC. `infinity`, `-infinity`,
/// years before 1 (`… BC`) and after 9999 have no ``Timestamp`` form and give `nil`.
enum PgOutputTimestampText {
    /// The instant `text` names, or `nil`.
    static func timestamp(_ text: String) -> Timestamp? {
        let bytes = Array(text.utf8)
        // The zone offset, if any, starts at the last sign after the date's own dashes.
        var offsetStart: Int?
        if bytes.count > 10 {
            for index in stride(from: bytes.count - 1, through: 10, by: -1)
            where bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                offsetStart = index
                break
            }
        }
        guard let offsetStart else { return parseLocal(bytes[...]) }
        guard let offset = offsetSeconds(bytes[offsetStart...]), let local = parseLocal(bytes[..<offsetStart]) else { return nil }
        return Timestamp(microseconds: local.microseconds - Int64(offset) * 1_000_000)
    }

    private static func parseLocal(_ bytes: ArraySlice<UInt8>) -> Timestamp? {
        Array(bytes).withUnsafeBufferPointer { Timestamp.parse($0) }
    }

    /// `±HH`, `±HH:MM` or `±HH:MM:SS` in seconds east of UTC.
    private static func offsetSeconds(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard let sign = bytes.first else { return nil }
        let parts = bytes.dropFirst().split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var seconds = 0
        for (index, part) in parts.enumerated() {
            guard part.count == 2, part.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let number = Int(String(decoding: part, as: UTF8.self))
            else { return nil }
            seconds += number * [3600, 60, 1][index]
        }
        return sign == UInt8(ascii: "-") ? -seconds : seconds
    }
}
