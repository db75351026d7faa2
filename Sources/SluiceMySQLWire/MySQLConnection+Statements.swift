import NIOCore

/// A statement prepared on one connection (COM_STMT_PREPARE).
public struct MySQLPreparedStatement: Sendable, Hashable {
    /// The server's id for it.
    public var id: UInt32
    /// How many `?` placeholders it has.
    public var parameterCount: Int
    /// How many columns its result has (0 for INSERT, UPDATE, DELETE).
    public var columnCount: Int
}

extension MySQLConnection {
    static let comStmtPrepare: UInt8 = 0x16
    static let comStmtExecute: UInt8 = 0x17
    static let comStmtClose: UInt8 = 0x19

    /// Prepares `sql` (with `?` placeholders) on this connection.
    public func prepare(_ sql: String) async throws(MySQLError) -> MySQLPreparedStatement {
        try await checkIdle()
        var payload = ByteBufferAllocator().buffer(capacity: sql.utf8.count + 1)
        payload.writeInteger(Self.comStmtPrepare)
        payload.writeString(sql)
        try await send(payload, newCommand: true)
        let packet = try await readPacket()
        if packet.header == MySQLHeader.error { throw Self.serverError(packet) }
        var body = packet.payload
        guard body.readInteger(as: UInt8.self) == MySQLHeader.ok,
            let id = body.readInteger(endianness: .little, as: UInt32.self),
            let columns = body.readInteger(endianness: .little, as: UInt16.self),
            let parameters = body.readInteger(endianness: .little, as: UInt16.self)
        else { throw brokenConnection(.protocolViolation("malformed COM_STMT_PREPARE response")) }
        if parameters > 0 { _ = try await readColumnDefinitions(Int(parameters)) }
        if columns > 0 { _ = try await readColumnDefinitions(Int(columns)) }
        return MySQLPreparedStatement(id: id, parameterCount: Int(parameters), columnCount: Int(columns))
    }

    /// Executes a prepared statement with `parameters` (COM_STMT_EXECUTE, binary protocol:
    /// a NULL bitmap, the parameter types, then the values). Rows it returns are dropped.
    @discardableResult
    public func execute(_ statement: MySQLPreparedStatement, _ parameters: [MySQLBind]) async throws(MySQLError) -> MySQLOK {
        try await checkIdle()
        guard parameters.count == statement.parameterCount else {
            throw .misuse("the statement has \(statement.parameterCount) placeholders but \(parameters.count) values were given")
        }
        try await send(Self.executePayload(statement, parameters), newCommand: true)
        let columns = try await beginResult()
        if !columns.isEmpty {
            while try await !nextRows(max: 1024).isEmpty {}
        }
        return lastOK
    }

    /// Frees a prepared statement on the server (COM_STMT_CLOSE, which has no answer).
    public func close(_ statement: MySQLPreparedStatement) async throws(MySQLError) {
        try await checkIdle()
        var payload = ByteBufferAllocator().buffer(capacity: 5)
        payload.writeInteger(Self.comStmtClose)
        payload.writeInteger(statement.id, endianness: .little)
        try await send(payload, newCommand: true)
    }

    /// The COM_STMT_EXECUTE payload.
    static func executePayload(_ statement: MySQLPreparedStatement, _ parameters: [MySQLBind]) -> ByteBuffer {
        let size = 16 + parameters.count * 3 + parameters.reduce(0) { $0 + $1.wireSize }
        var out = ByteBufferAllocator().buffer(capacity: size)
        out.writeInteger(comStmtExecute)
        out.writeInteger(statement.id, endianness: .little)
        out.writeInteger(UInt8(0))  // CURSOR_TYPE_NO_CURSOR
        out.writeInteger(UInt32(1), endianness: .little)  // iteration count
        guard !parameters.isEmpty else { return out }
        var bitmap = [UInt8](repeating: 0, count: (parameters.count + 7) / 8)
        for (index, parameter) in parameters.enumerated() where parameter == .null {
            bitmap[index / 8] |= 1 << UInt8(index % 8)
        }
        out.writeBytes(bitmap)
        out.writeInteger(UInt8(1))  // new parameters bound: types follow
        for parameter in parameters {
            out.writeInteger(parameter.typeCode.rawValue)
            out.writeInteger(UInt8(0))  // signed
        }
        for parameter in parameters { parameter.write(into: &out) }
        return out
    }
}
