import Foundation
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Connections that hold the server without finishing a request are closed: one idle for
/// `SLUICE_IDLE_TIMEOUT_S`, and one whose request head trickles in for longer than
/// `SLUICE_REQUEST_TIMEOUT_S` (slowloris). The tests wait for the close itself (a read that
/// returns end of file), with a generous limit only so a broken server fails instead of hanging.
@Suite struct ConnectionLimitsTests {
    /// `GET /health` on a connection of its own (the server may close idle pooled ones).
    static func health(_ server: ServerHarness) async throws -> Int {
        try await server.request(.GET, "/health", headers: ["Connection": "close"]).status
    }

    @Test func idleAndStalledConnectionsAreClosed() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await ServerHarness.start(
            stateDir: dir, environment: ["SLUICE_IDLE_TIMEOUT_S": "1", "SLUICE_REQUEST_TIMEOUT_S": "3600"])
        let silent = try RawConnection(port: server.port)
        let keptAlive = try RawConnection(port: server.port)
        #expect(keptAlive.send("GET /health HTTP/1.1\r\nHost: sluice\r\n\r\n"))
        let stalledBody = try RawConnection(port: server.port)
        #expect(stalledBody.send("POST /jobs HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"na"))
        #expect(try await Self.health(server) == 200)

        let silentEnd = await silent.readUntilClosed()
        #expect(silentEnd.closed)
        #expect(silentEnd.text == "")
        let keptEnd = await keptAlive.readUntilClosed()
        #expect(keptEnd.closed)
        #expect(keptEnd.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(keptEnd.text.components(separatedBy: "HTTP/1.1 ").count == 2, "one response, then the close")
        let stalledEnd = await stalledBody.readUntilClosed()
        #expect(stalledEnd.closed)
        #expect(stalledEnd.text == "")
        #expect(try await Self.health(server) == 200)
        try await server.stop()
    }

    @Test func aRequestHeadThatTricklesInIsCutOffWith408() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // The idle timeout is out of reach: only the request-head deadline can close it.
        let server = try await ServerHarness.start(
            stateDir: dir, environment: ["SLUICE_IDLE_TIMEOUT_S": "3600", "SLUICE_REQUEST_TIMEOUT_S": "1"])
        let slow = try RawConnection(port: server.port)
        #expect(slow.send("GET /health HTTP/1.1\r\nHost: sluice\r\nX-Slow: "))
        #expect(try await Self.health(server) == 200)
        let end = await slow.trickle("a", every: .milliseconds(200))
        #expect(end.closed)
        #expect(end.text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(end.text.contains("Connection: close\r\n"))
        #expect(end.text.hasSuffix(#"{"error":{"message":"the request head did not arrive within 1 s (SLUICE_REQUEST_TIMEOUT_S)","path":null}}"# + "\n"))
        #expect(try await Self.health(server) == 200)
        try await server.stop()
    }

    @Test func theHeadDeadlineDoesNotRunBetweenRequests() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try await ServerHarness.start(
            stateDir: dir, environment: ["SLUICE_IDLE_TIMEOUT_S": "3600", "SLUICE_REQUEST_TIMEOUT_S": "1"])
        let connection = try RawConnection(port: server.port)
        #expect(connection.send("GET /health HTTP/1.1\r\nHost: sluice\r\n\r\n"))
        let first = await connection.readUntil { $0.hasSuffix("}\n") }
        #expect(first.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(!first.closed)
        // Quiet for longer than the head deadline: a kept-alive connection waiting for its
        // next request is the idle timeout's business, not the deadline's.
        try await Task.sleep(for: .milliseconds(2500))
        #expect(connection.send("GET /health HTTP/1.1\r\nHost: sluice\r\nConnection: close\r\n\r\n"))
        let second = await connection.readUntilClosed()
        #expect(second.closed)
        #expect(second.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        try await server.stop()
    }

    @Test func timeoutsAndOriginsAreReadFromTheEnvironment() throws {
        let defaults = try SluiceSettings(environment: [:])
        #expect(defaults.idleTimeoutSeconds == 60)
        #expect(defaults.requestTimeoutSeconds == 30)
        #expect(defaults.corsOrigins == [])
        let set = try SluiceSettings(environment: [
            "SLUICE_IDLE_TIMEOUT_S": "5", "SLUICE_REQUEST_TIMEOUT_S": "2",
            "SLUICE_CORS_ORIGINS": " https://app.example.com, http://localhost:3000 ,",
        ])
        #expect(set.idleTimeoutSeconds == 5)
        #expect(set.requestTimeoutSeconds == 2)
        #expect(set.corsOrigins == ["https://app.example.com", "http://localhost:3000"])
        let refused: [(String, String, String)] = [
            ("SLUICE_IDLE_TIMEOUT_S", "0", "SLUICE_IDLE_TIMEOUT_S: expected a whole number in 1...86400, got '0'"),
            ("SLUICE_REQUEST_TIMEOUT_S", "1e400", "SLUICE_REQUEST_TIMEOUT_S: expected a whole number in 1...86400, got '1e400'"),
            (
                "SLUICE_CORS_ORIGINS", "https://app.example.com/",
                "SLUICE_CORS_ORIGINS: expected comma-separated origins such as https://app.example.com (scheme, host and port, no path), got 'https://app.example.com/'"
            ),
            (
                "SLUICE_CORS_ORIGINS", "*",
                "SLUICE_CORS_ORIGINS: expected comma-separated origins such as https://app.example.com (scheme, host and port, no path), got '*'"
            ),
        ]
        for (variable, value, message) in refused {
            let error = #expect(throws: SluiceSettings.Invalid.self) { try SluiceSettings(environment: [variable: value]) }
            #expect(error?.description == message)
        }
    }
}

/// A plain TCP connection to a local port, for bytes no HTTP client would send. Reads do
/// not block: they poll, so a test waiting for the server never holds a thread.
final class RawConnection {
    private let fd: Int32

    /// What was read, and whether the server closed the connection.
    struct Reading {
        var bytes: [UInt8] = []
        var closed = false
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(port: Int) throws {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(fd) }

    /// Sends `bytes`; `false` when they could not all be sent (the server closed the connection).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { sendWithoutSignal(fd, $0) } == bytes.count
    }

    /// Sends the UTF-8 of `text`.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads whatever has arrived into `reading`, noting a close.
    private func drain(into reading: inout Reading) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                reading.bytes += buffer[0..<count]
                continue
            }
            if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { reading.closed = true }
            return
        }
    }

    /// Reads until the server closes the connection (or `limit` passes, so a broken server
    /// fails the test rather than hanging it).
    func readUntilClosed(limit: Duration = .seconds(30)) async -> Reading {
        await readUntil(limit: limit) { _ in false }
    }

    /// Reads until `done` says the text read is enough, the server closes, or `limit` passes.
    func readUntil(limit: Duration = .seconds(30), _ done: (String) -> Bool) async -> Reading {
        var reading = Reading()
        let clock = ContinuousClock()
        let end = clock.now + limit
        while clock.now < end {
            drain(into: &reading)
            if reading.closed || done(reading.text) { return reading }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return reading
    }

    /// Sends one byte of `text` (repeated as needed) every `interval` until the server closes
    /// the connection (or `limit` passes); returns what was read.
    func trickle(_ text: String, every interval: Duration, limit: Duration = .seconds(30)) async -> Reading {
        var reading = Reading()
        let bytes = Array(text.utf8)
        let clock = ContinuousClock()
        let end = clock.now + limit
        var next = 0
        while clock.now < end {
            drain(into: &reading)
            if reading.closed { return reading }
            if !send([bytes[next % bytes.count]]) {
                drain(into: &reading)
                reading.closed = true
                return reading
            }
            next += 1
            try? await Task.sleep(for: interval)
        }
        return reading
    }
}

/// `send(2)` without SIGPIPE when the peer has closed (outside ``RawConnection``, whose own
/// `send` would shadow the C function).
private func sendWithoutSignal(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    #if canImport(Glibc)
    send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
    #else
    send(fd, bytes.baseAddress, bytes.count, 0)
    #endif
}
