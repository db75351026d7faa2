/// Builds Avro container files byte by byte, for tests that need files no writer would make.
enum AvroFileBuilder {
    static let sync: [UInt8] = Array(0x10..<0x20)

    /// A zig-zag varint.
    static func long(_ value: Int) -> [UInt8] {
        var raw = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
        var out: [UInt8] = []
        while raw >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: raw) | 0x80)
            raw >>= 7
        }
        out.append(UInt8(truncatingIfNeeded: raw))
        return out
    }

    /// Length-prefixed bytes.
    static func bytes(_ value: [UInt8]) -> [UInt8] { long(value.count) + value }

    /// A length-prefixed UTF-8 string.
    static func string(_ value: String) -> [UInt8] { bytes(Array(value.utf8)) }

    /// A header with `schema` and `codec` (no codec entry when `nil`).
    static func header(schema: String?, codec: String? = "null", sync: [UInt8] = sync) -> [UInt8] {
        var entries: [[UInt8]] = []
        if let schema { entries.append(string("avro.schema") + string(schema)) }
        if let codec { entries.append(string("avro.codec") + string(codec)) }
        var out: [UInt8] = [0x4F, 0x62, 0x6A, 0x01]
        if !entries.isEmpty { out += long(entries.count) + entries.flatMap { $0 } }
        return out + long(0) + sync
    }

    /// A block of `count` records whose data is `data`.
    static func block(count: Int, _ data: [UInt8], sync: [UInt8] = sync) -> [UInt8] {
        long(count) + long(data.count) + data + sync
    }

    /// A whole file: header and blocks of (count, data).
    static func file(schema: String, blocks: [(Int, [UInt8])]) -> [UInt8] {
        header(schema: schema) + blocks.flatMap { block(count: $0.0, $0.1) }
    }

    /// A record schema with one field of `type` (JSON text).
    static func oneField(_ type: String, name: String = "v") -> String {
        #"{"type": "record", "name": "R", "fields": [{"name": "\#(name)", "type": \#(type)}]}"#
    }
}
