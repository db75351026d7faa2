import NIOCore

/// An `ErrorResponse` the server sent during a COPY that the source runs on the connection's
/// channel itself (see ``PostgresCopyOut``); ``PostgresErrorText`` shows it as it shows
/// PostgresNIO's errors.
struct PostgresServerError: Error, Sendable, Equatable {
    /// The message's fields by their one-letter code (`S` severity, `C` SQLSTATE, `M`
    /// message, `D` detail, `H` hint …).
    var fields: [UInt8: String]

    var severity: String? { fields[UInt8(ascii: "S")] }
    var sqlState: String? { fields[UInt8(ascii: "C")] }
    var message: String? { fields[UInt8(ascii: "M")] }
    var detail: String? { fields[UInt8(ascii: "D")] }
    var hint: String? { fields[UInt8(ascii: "H")] }

    /// The fields of an `ErrorResponse` body: code bytes each followed by a NUL-terminated
    /// string, the list ended by a NUL.
    init(body: ByteBuffer) {
        var body = body
        fields = [:]
        while let code = body.readInteger(as: UInt8.self), code != 0 {
            guard let end = body.readableBytesView.firstIndex(of: 0) else { break }
            let length = end - body.readerIndex
            fields[code] = body.readString(length: length) ?? ""
            body.moveReaderIndex(forwardBy: 1)
        }
    }
}

/// The connection broke the COPY protocol (a message out of place, a malformed length), or
/// went away in the middle of the COPY.
struct PostgresCopyProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    var description: String
}
