import SluiceCore

/// Decodes the binary messages of the `pgoutput` plugin, protocol version 1 (the layouts are
/// documented on ``PgOutputMessage`` and its parts; PostgreSQL documents them under "Logical
/// Replication Message Formats"). Streaming (`S`, `E`, `c`, `A`) and two-phase messages are
/// only sent with options Sluice does not set, so they are rejected as unknown.
enum PgOutputDecoder {
    /// Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for timestamps.
    static let postgresEpochMicroseconds: Int64 = 946_684_800 * 1_000_000

    /// The message in `bytes`, which must be exactly one whole message.
    static func decode(_ bytes: [UInt8]) throws(PgOutputError) -> PgOutputMessage {
        var reader = PgOutputByteReader(bytes)
        let tag = try reader.uint8()
        let message: PgOutputMessage
        switch tag {
        case UInt8(ascii: "B"):
            message = .begin(PgOutputBegin(
                finalLSN: PostgresCDCLSN(try reader.uint64()), commitTime: try timestamp(&reader), xid: try reader.uint32()))
        case UInt8(ascii: "C"):
            message = .commit(PgOutputCommit(
                flags: try reader.uint8(), commitLSN: PostgresCDCLSN(try reader.uint64()),
                endLSN: PostgresCDCLSN(try reader.uint64()), commitTime: try timestamp(&reader)))
        case UInt8(ascii: "O"):
            message = .origin(commitLSN: PostgresCDCLSN(try reader.uint64()), name: try reader.string())
        case UInt8(ascii: "R"):
            message = .relation(try relation(&reader))
        case UInt8(ascii: "Y"):
            message = .type(oid: try reader.uint32(), schema: try reader.string(), name: try reader.string())
        case UInt8(ascii: "I"):
            let relation = try reader.uint32()
            try expect(&reader, "N", in: "insert")
            message = .insert(relation: relation, new: try tuple(&reader))
        case UInt8(ascii: "U"):
            let relation = try reader.uint32()
            var old: PgOutputOldTuple?
            var marker = try reader.uint8()
            if let kind = oldKind(marker) {
                old = PgOutputOldTuple(kind: kind, tuple: try tuple(&reader))
                marker = try reader.uint8()
            }
            guard marker == UInt8(ascii: "N") else { throw unexpected(marker, "N", in: "update") }
            message = .update(relation: relation, old: old, new: try tuple(&reader))
        case UInt8(ascii: "D"):
            let relation = try reader.uint32()
            let marker = try reader.uint8()
            guard let kind = oldKind(marker) else { throw unexpected(marker, "K or O", in: "delete") }
            message = .delete(relation: relation, old: PgOutputOldTuple(kind: kind, tuple: try tuple(&reader)))
        case UInt8(ascii: "T"):
            let count = try reader.uint32()
            let options = try reader.uint8()
            var relations: [UInt32] = []
            for _ in 0..<count { relations.append(try reader.uint32()) }
            message = .truncate(relations: relations, options: options)
        case UInt8(ascii: "M"):
            let flags = try reader.uint8()
            let lsn = PostgresCDCLSN(try reader.uint64())
            let prefix = try reader.string()
            let length = try reader.int32()
            message = .message(transactional: flags & 1 == 1, lsn: lsn, prefix: prefix, content: try reader.bytes(Int(length)))
        default:
            throw PgOutputError("unknown message type \(describe(tag))")
        }
        guard reader.atEnd else { throw PgOutputError("\(describe(tag)) message has extra bytes after byte \(reader.offset)") }
        return message
    }

    private static func timestamp(_ reader: inout PgOutputByteReader) throws(PgOutputError) -> Timestamp {
        Timestamp(microseconds: try reader.int64() &+ postgresEpochMicroseconds)
    }

    private static func relation(_ reader: inout PgOutputByteReader) throws(PgOutputError) -> PgOutputRelation {
        let oid = try reader.uint32()
        let schema = try reader.string()
        let table = try reader.string()
        let identity = try reader.uint8()
        let count = try reader.uint16()
        var columns: [PgOutputRelation.Column] = []
        columns.reserveCapacity(Int(count))
        for _ in 0..<count {
            let flags = try reader.uint8()
            columns.append(PgOutputRelation.Column(
                name: try reader.string(), typeOID: try reader.uint32(), typeModifier: try reader.int32(), isKey: flags & 1 == 1))
        }
        return PgOutputRelation(oid: oid, schema: schema, table: table, replicaIdentity: identity, columns: columns)
    }

    private static func tuple(_ reader: inout PgOutputByteReader) throws(PgOutputError) -> PgOutputTuple {
        let count = try reader.uint16()
        var cells: [PgOutputTuple.Cell] = []
        cells.reserveCapacity(Int(count))
        for _ in 0..<count {
            let kind = try reader.uint8()
            switch kind {
            case UInt8(ascii: "n"): cells.append(.null)
            case UInt8(ascii: "u"): cells.append(.unchangedToast)
            case UInt8(ascii: "t"): cells.append(.text(try reader.bytes(Int(try reader.int32()))))
            case UInt8(ascii: "b"): cells.append(.binary(try reader.bytes(Int(try reader.int32()))))
            default: throw PgOutputError("unknown tuple column kind \(describe(kind))")
            }
        }
        return PgOutputTuple(cells: cells)
    }

    private static func oldKind(_ marker: UInt8) -> PgOutputOldTuple.Kind? {
        switch marker {
        case UInt8(ascii: "K"): return .key
        case UInt8(ascii: "O"): return .full
        default: return nil
        }
    }

    private static func expect(_ reader: inout PgOutputByteReader, _ marker: Unicode.Scalar, in message: String) throws(PgOutputError) {
        let byte = try reader.uint8()
        guard byte == UInt8(ascii: marker) else { throw unexpected(byte, String(marker), in: message) }
    }

    private static func unexpected(_ byte: UInt8, _ expected: String, in message: String) -> PgOutputError {
        PgOutputError("\(message) message has \(describe(byte)) where \(expected) was expected")
    }

    /// `'B'` for printable bytes, `0x07` otherwise.
    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16)
    }
}
