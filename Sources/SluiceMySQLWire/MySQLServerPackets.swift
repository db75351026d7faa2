import NIOCore

/// The server's OK packet (or the EOF packet, which carries the same status).
public struct MySQLOK: Sendable, Equatable {
    /// Rows the statement changed.
    public var affectedRows: UInt64
    /// The AUTO_INCREMENT value of the last row inserted.
    public var lastInsertID: UInt64
    /// Server status flags (`SERVER_MORE_RESULTS_EXISTS`, in transaction, …).
    public var status: UInt16
    /// How many warnings the statement raised.
    public var warnings: UInt16

    /// An OK packet with the given parts.
    public init(affectedRows: UInt64 = 0, lastInsertID: UInt64 = 0, status: UInt16 = 0, warnings: UInt16 = 0) {
        self.affectedRows = affectedRows
        self.lastInsertID = lastInsertID
        self.status = status
        self.warnings = warnings
    }

    /// `SERVER_MORE_RESULTS_EXISTS`: another result follows.
    public static let moreResultsExist: UInt16 = 0x0008

    /// Whether another result of the same command follows.
    public var moreResults: Bool { status & Self.moreResultsExist != 0 }

    /// Parses an OK packet (header 0x00 or 0xFE).
    public init(parsing payload: ByteBuffer) throws(MySQLError) {
        var buffer = payload
        buffer.moveReaderIndex(forwardBy: 1)
        guard let affected = buffer.readMySQLLengthEncodedInteger(), let lastID = buffer.readMySQLLengthEncodedInteger() else {
            throw .protocolViolation("malformed OK packet")
        }
        self.affectedRows = affected
        self.lastInsertID = lastID
        self.status = buffer.readInteger(endianness: .little, as: UInt16.self) ?? 0
        self.warnings = buffer.readInteger(endianness: .little, as: UInt16.self) ?? 0
    }

    /// Parses an EOF packet (0xFE, warnings, status).
    public init(parsingEOF payload: ByteBuffer) {
        var buffer = payload
        buffer.moveReaderIndex(forwardBy: 1)
        self.affectedRows = 0
        self.lastInsertID = 0
        self.warnings = buffer.readInteger(endianness: .little, as: UInt16.self) ?? 0
        self.status = buffer.readInteger(endianness: .little, as: UInt16.self) ?? 0
    }
}

extension MySQLServerError {
    /// Parses an ERR packet (0xFF, code, optional `#` and SQL state, message); `nil` when
    /// the payload is not one.
    public init?(parsing payload: ByteBuffer) {
        var buffer = payload
        guard buffer.readInteger(as: UInt8.self) == 0xFF, let code = buffer.readInteger(endianness: .little, as: UInt16.self) else {
            return nil
        }
        var state = "HY000"
        if buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == UInt8(ascii: "#"), buffer.readableBytes >= 6 {
            buffer.moveReaderIndex(forwardBy: 1)
            state = buffer.readString(length: 5) ?? state
        }
        self.init(code: code, sqlState: state, message: buffer.readString(length: buffer.readableBytes) ?? "")
    }
}

/// Packet headers of server responses.
enum MySQLHeader {
    static let ok: UInt8 = 0x00
    static let authMoreData: UInt8 = 0x01
    static let localInfile: UInt8 = 0xFB
    static let eof: UInt8 = 0xFE
    static let error: UInt8 = 0xFF

    /// Whether `packet` ends a result set: 0xFE and shorter than a maximal packet (a text
    /// row of a value longer than 16 MiB also starts with 0xFE, but is never that short).
    static func isTerminator(_ packet: MySQLPacket) -> Bool {
        packet.header == eof && packet.payload.readableBytes < MySQLFraming.maxPhysicalPayload
    }
}
