import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP listener standing in front of a database server, for the connect-retry and
/// circuit-breaker tests: it counts every connection it accepts, resets (RST) as many as it is
/// told to fail, and forwards the others byte for byte to `upstreamPort` (or resets them too
/// when there is none). Blocking sockets on threads of its own, so it runs whatever the
/// cooperative pool is doing.
public final class FlakyTCPProxy: Sendable {
    /// A socket call that failed while setting the proxy up.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    private struct State {
        var accepted = 0
        var failuresLeft: Int
        var stopped = false
    }

    /// The loopback port the proxy listens on.
    public let port: Int
    private let upstreamPort: Int?
    private let listener: Int32
    private let state: Mutex<State>

    /// Listens on a free loopback port; the first `failing` connections are reset, the rest
    /// forwarded to `upstreamPort` (`failing: .max` resets every one).
    public init(upstreamPort: Int?, failing: Int) throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw Failure(description: "bind/listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        self.upstreamPort = upstreamPort
        state = Mutex(State(failuresLeft: failing))
        let proxy = self
        Thread.detachNewThread { proxy.acceptLoop() }
    }

    /// Connections accepted so far.
    public var accepted: Int { state.withLock { $0.accepted } }

    /// From now on, the next `count` connections are reset and later ones forwarded.
    public func fail(next count: Int) { state.withLock { $0.failuresLeft = count } }

    /// Stops listening; forwarded connections go on until either side closes them.
    ///
    /// The listening socket is only shut down here, which ends the accept loop; the loop's
    /// thread closes it, so its descriptor cannot be reused (by another proxy's socket) while
    /// the loop might still accept on it.
    public func stop() {
        let wasRunning = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard wasRunning else { return }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR, !state.withLock({ $0.stopped }) { continue }
                return
            }
            if state.withLock({ $0.stopped }) {
                Self.reset(client)
                return
            }
            let reset = state.withLock { state -> Bool in
                state.accepted += 1
                guard state.failuresLeft > 0 else { return false }
                if state.failuresLeft != .max { state.failuresLeft -= 1 }
                return true
            }
            guard !reset, let upstreamPort, let server = Self.connectLoopback(port: upstreamPort) else {
                Self.reset(client)
                continue
            }
            let pair = SocketPair(client, server)
            Self.pump(from: client, to: server, pair: pair)
            Self.pump(from: server, to: client, pair: pair)
        }
    }

    /// Closes `fd` with a TCP reset (SO_LINGER with a zero timeout).
    private static func reset(_ fd: Int32) {
        var linger = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        close(fd)
    }

    /// Copies `source` to `destination` on a thread until `source` ends, then ends the
    /// destination's sending side; the second direction to end closes both sockets.
    private static func pump(from source: Int32, to destination: Int32, pair: SocketPair) {
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                var sent = 0
                while sent < count {
                    let written = buffer.withUnsafeBytes { bytes in
                        send(destination, bytes.baseAddress.map { $0 + sent }, count - sent, Int32(MSG_NOSIGNAL))
                    }
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else { break }
                    sent += written
                }
                if sent < count { break }
            }
            shutdown(destination, Int32(SHUT_WR))
            shutdown(source, Int32(SHUT_RD))
            pair.directionEnded()
        }
    }

    private static func connectLoopback(port: Int) -> Int32? {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return nil }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// The two sockets of a forwarded connection, closed once both directions have ended.
private final class SocketPair: Sendable {
    private let sockets: (Int32, Int32)
    private let ended = Mutex(0)

    init(_ first: Int32, _ second: Int32) { sockets = (first, second) }

    func directionEnded() {
        let both = ended.withLock { count -> Bool in
            count += 1
            return count == 2
        }
        guard both else { return }
        close(sockets.0)
        close(sockets.1)
    }
}
