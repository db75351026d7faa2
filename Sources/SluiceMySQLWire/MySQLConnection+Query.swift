import NIOCore

/// A small result read whole (for metadata queries): columns and rows of text cells.
public struct MySQLResultSet: Sendable, Equatable {
    /// The result's columns.
    public var columns: [MySQLColumn]
    /// Each row's cells as UTF-8 text, `nil` for NULL.
    public var rows: [[String?]]
}

/// The first answer to a command: a result set's columns, or an OK packet.
enum MySQLResponse: Sendable {
    case ok(MySQLOK)
    case resultSet([MySQLColumn])
}

extension MySQLConnection {
    static let comQuery: UInt8 = 0x03

    /// Runs `sql` (COM_QUERY) and returns its first result set whole; further results are
    /// read and dropped. For small results: streaming reads use ``startQuery(_:)``.
    public func query(_ sql: String) async throws(MySQLError) -> MySQLResultSet {
        let columns = try await startQuery(sql)
        var rows: [[String?]] = []
        while true {
            let batch = try await nextRows(max: 1024)
            if batch.isEmpty { break }
            for payload in batch {
                rows.append(MySQLTextRow.cells(payload, count: columns.count).map { $0.map { String(buffer: $0) } })
            }
        }
        return MySQLResultSet(columns: columns, rows: rows)
    }

    /// Runs `sql` (COM_QUERY) for its effect; result sets it returns are read and dropped.
    /// Returns the last OK packet.
    @discardableResult
    public func execute(_ sql: String) async throws(MySQLError) -> MySQLOK {
        let columns = try await startQuery(sql)
        if !columns.isEmpty {
            while try await !nextRows(max: 1024).isEmpty {}
        }
        return lastOK
    }

    /// Sends `sql` (COM_QUERY) and reads the column definitions of its result set; the rows
    /// then come from ``nextRows(max:)``. A statement without a result set returns no
    /// columns (and ``nextRows(max:)`` no rows).
    public func startQuery(_ sql: String) async throws(MySQLError) -> [MySQLColumn] {
        try await checkIdle()
        var payload = ByteBufferAllocator().buffer(capacity: sql.utf8.count + 1)
        payload.writeInteger(Self.comQuery)
        payload.writeString(sql)
        try await send(payload, newCommand: true)
        return try await beginResult()
    }

    /// Up to `max` rows of the result set being streamed, as row payloads; empty once the
    /// result set is over (the connection is then free for the next command).
    ///
    /// A text-protocol row is a length-encoded string per column (0xFB for NULL); decode it
    /// with ``MySQLTextRow``.
    public func nextRows(max: Int) async throws(MySQLError) -> [ByteBuffer] {
        guard case .streaming = phase else { return [] }
        var rows: [ByteBuffer] = []
        rows.reserveCapacity(Swift.min(max, 4096))
        while rows.count < max {
            let packet = try await readPacket()
            if packet.header == MySQLHeader.error {
                phase = .idle
                throw Self.serverError(packet)
            }
            if MySQLHeader.isTerminator(packet) {
                let ok = deprecatesEOF ? try MySQLOK(parsing: packet.payload) : MySQLOK(parsingEOF: packet.payload)
                phase = .idle
                try await finish(ok)
                return rows
            }
            rows.append(packet.payload)
        }
        return rows
    }

    var deprecatesEOF: Bool { capabilities.contains(.deprecateEOF) }

    /// Reads the first answer to a command; for a result set, its column definitions (the
    /// phase becomes streaming); for OK, the end of the command (further results drained).
    func beginResult() async throws(MySQLError) -> [MySQLColumn] {
        switch try await readResponse() {
        case .ok(let ok):
            try await finish(ok)
            return []
        case .resultSet(let columns):
            phase = .streaming
            return columns
        }
    }

    /// After the last packet of one result: drains the results that follow it, if any.
    func finish(_ ok: MySQLOK) async throws(MySQLError) {
        lastOK = ok
        var more = ok.moreResults
        while more {
            switch try await readResponse() {
            case .ok(let next):
                lastOK = next
                more = next.moreResults
            case .resultSet:
                while true {
                    let packet = try await readPacket()
                    if packet.header == MySQLHeader.error { throw Self.serverError(packet) }
                    if MySQLHeader.isTerminator(packet) {
                        let end = deprecatesEOF ? try MySQLOK(parsing: packet.payload) : MySQLOK(parsingEOF: packet.payload)
                        more = end.moreResults
                        break
                    }
                }
            }
        }
    }

    /// An OK packet, or a column count and the column definitions (and the EOF packet after
    /// them when the server still sends one).
    func readResponse() async throws(MySQLError) -> MySQLResponse {
        let packet = try await readPacket()
        switch packet.header {
        case MySQLHeader.ok:
            return .ok(try MySQLOK(parsing: packet.payload))
        case MySQLHeader.error:
            throw Self.serverError(packet)
        case MySQLHeader.localInfile:
            throw brokenConnection(.protocolViolation("the server asked for a local file (LOAD DATA LOCAL), which this client does not send"))
        default:
            var payload = packet.payload
            guard let count = payload.readMySQLLengthEncodedInteger(), count > 0, count < 65_536 else {
                throw brokenConnection(.protocolViolation("malformed column count"))
            }
            let columns = try await readColumnDefinitions(Int(count))
            return .resultSet(columns)
        }
    }

    /// Reads `count` column definitions and, without DEPRECATE_EOF, the EOF after them.
    func readColumnDefinitions(_ count: Int) async throws(MySQLError) -> [MySQLColumn] {
        var columns: [MySQLColumn] = []
        columns.reserveCapacity(count)
        let extended = capabilities.contains(.mariaDBExtendedMetadata)
        for _ in 0..<count {
            let packet = try await readPacket()
            do {
                columns.append(try MySQLColumn(parsing: packet.payload, extendedMetadata: extended))
            } catch {
                throw brokenConnection(error)
            }
        }
        if !deprecatesEOF {
            let eof = try await readPacket()
            guard eof.header == MySQLHeader.eof else { throw brokenConnection(.protocolViolation("expected EOF after column definitions")) }
        }
        return columns
    }
}

/// Decodes text-protocol rows.
public enum MySQLTextRow {
    /// Calls `body` with each cell of a row in order: a slice, `nil` for NULL (no array is made).
    @inlinable
    public static func forEachCell(_ payload: ByteBuffer, count: Int, _ body: (Int, ByteBuffer?) -> Void) {
        var buffer = payload
        for index in 0..<count {
            if buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == 0xFB {
                buffer.moveReaderIndex(forwardBy: 1)
                body(index, nil)
            } else {
                body(index, buffer.readMySQLLengthEncodedSlice())
            }
        }
    }

    /// The cells of a row: a slice per column, `nil` for NULL.
    public static func cells(_ payload: ByteBuffer, count: Int) -> [ByteBuffer?] {
        var buffer = payload
        var cells: [ByteBuffer?] = []
        cells.reserveCapacity(count)
        for _ in 0..<count {
            if buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == 0xFB {
                buffer.moveReaderIndex(forwardBy: 1)
                cells.append(nil)
            } else {
                cells.append(buffer.readMySQLLengthEncodedSlice())
            }
        }
        return cells
    }
}
