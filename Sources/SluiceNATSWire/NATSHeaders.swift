import NIOCore

/// The header block of a message (`NATS/1.0 408 Request Timeout\r\nName: value\r\n\r\n`): an
/// optional status with its description, then fields in order (a name may repeat).
public struct NATSHeaders: Sendable, Equatable {
    /// One `Name: value` line.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The status code of the first line (`404`, `408`, `503`), if any: the server's word about
    /// a request rather than a message.
    public var status: Int?
    /// The words after the status code (`No Messages`).
    public var statusDescription: String
    public private(set) var fields: [Field]

    /// Headers without a status.
    public init() {
        status = nil
        statusDescription = ""
        fields = []
    }

    /// The first value of the field `name` (compared without regard to case).
    public subscript(name: String) -> String? {
        let lowered = name.lowercased()
        return fields.first { $0.name.lowercased() == lowered }?.value
    }

    /// Adds a field; throws ``NATSError/invalid(_:)`` for a name that is empty or holds
    /// whitespace, a colon or a control character, or a value with a line break.
    public mutating func append(_ name: String, _ value: String) throws(NATSError) {
        guard !name.isEmpty, !name.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: ":") }) else {
            throw .invalid("'\(NATSSubject.shown(name))' cannot be a header name")
        }
        guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else {
            throw .invalid("the value of header '\(name)' contains a line break")
        }
        fields.append(Field(name: name, value: value))
    }

    /// The block as it is sent: `NATS/1.0\r\n`, the fields, an empty line.
    public var bytes: [UInt8] {
        var out = Array("NATS/1.0".utf8)
        if let status {
            out += Array(" \(status)".utf8)
            if !statusDescription.isEmpty { out += Array(" \(statusDescription)".utf8) }
        }
        out += [0x0D, 0x0A]
        for field in fields { out += Array("\(field.name): \(field.value)\r\n".utf8) }
        out += [0x0D, 0x0A]
        return out
    }

    /// Reads a whole header block (its length already checked by the decoder).
    static func parse(_ block: [UInt8]) throws(NATSError) -> NATSHeaders {
        let prefix = Array("NATS/1.0".utf8)
        guard block.count >= prefix.count + 4, block.starts(with: prefix), block.suffix(4).elementsEqual([0x0D, 0x0A, 0x0D, 0x0A]) else {
            throw .protocolViolation("a header block that does not start with NATS/1.0 and end with an empty line")
        }
        var headers = NATSHeaders()
        // Lines between the version and the closing empty line, split at CRLF.
        let body = block[prefix.count..<(block.count - 2)]
        var lines: [ArraySlice<UInt8>] = []
        var start = body.startIndex
        var index = body.startIndex
        while index < body.endIndex {
            if body[index] == 0x0D {
                guard index + 1 < body.endIndex, body[index + 1] == 0x0A else { throw .protocolViolation("a header line not ended by CRLF") }
                lines.append(body[start..<index])
                index += 2
                start = index
            } else if body[index] == 0x0A {
                throw .protocolViolation("a header line not ended by CRLF")
            } else {
                index += 1
            }
        }
        guard start == body.endIndex, let statusLine = lines.first else {
            throw .protocolViolation("a header line not ended by CRLF")
        }
        if !statusLine.isEmpty {
            guard statusLine.first == UInt8(ascii: " ") else { throw .protocolViolation("a header block that does not start with NATS/1.0 and end with an empty line") }
            let words = statusLine.dropFirst().split(separator: UInt8(ascii: " "), maxSplits: 1, omittingEmptySubsequences: true)
            guard let code = words.first, code.count == 3, code.allSatisfy({ (0x30...0x39).contains($0) }), let number = Int(String(decoding: code, as: UTF8.self)) else {
                throw .protocolViolation("a header status that is not a 3-digit code")
            }
            headers.status = number
            headers.statusDescription = words.count > 1 ? String(decoding: words[1], as: UTF8.self) : ""
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                throw .protocolViolation("a header line without a name and a colon")
            }
            let value = line[(colon + 1)...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            headers.fields.append(Field(name: String(decoding: line[..<colon], as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
        }
        return headers
    }
}
