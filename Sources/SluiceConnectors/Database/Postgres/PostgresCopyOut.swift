import NIOCore
import NIOSSL

/// Runs `COPY (query) TO STDOUT (FORMAT binary)` on a pooled connection's channel, which
/// PostgresNIO has no call for, and gives the COPY data as an async sequence of chunks:
/// the rows' binary COPY bytes back to back (the file header before the first row, the
/// trailer after the last), each chunk holding whole rows.
///
/// A ``PostgresCopyOutHandler`` is put into the channel's pipeline just after TLS (or first,
/// without TLS), where it sees the server's plain messages before PostgresNIO does; it takes
/// them all until the statement ends and then leaves. The statement goes through the
/// extended protocol, so it is one statement, as PostgresNIO would run it. The connection
/// must be leased to the caller and idle.
enum PostgresCopyOut {
    /// The chunks of one COPY: up to a few are buffered ahead of the consumer, then the
    /// channel stops reading until it catches up.
    typealias Chunks = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, Delegate
    >

    /// The consumer's demand, passed to the handler on its event loop.
    typealias Delegate = ChannelDemandDelegate<PostgresCopyOutHandler>

    /// The statement that copies the result of `query` (a `SELECT`, `VALUES`, `WITH …` or
    /// `TABLE …`) in binary; the line break keeps a trailing `--` comment inside.
    static func statement(_ query: String) -> String {
        "COPY (\(query)\n) TO STDOUT (FORMAT binary)"
    }

    /// Starts the COPY of `query` on `channel`; returns once the server has begun sending
    /// rows, or throws its error (a refused statement leaves the connection fit for reuse).
    static func start(_ query: String, on channel: any Channel) async throws -> Chunks {
        let loop = channel.eventLoop
        let started = loop.makePromise(of: Void.self)
        let request = Self.request(statement(query))
        let chunks: Chunks
        do {
            chunks = try await add(request: request, started: started, to: channel)
        } catch {
            // The handler never ran, so nothing else settles the promise.
            started.fail(error)
            throw error
        }
        try await started.futureResult.get()
        return chunks
    }

    /// Puts a handler for `request` into `channel`'s pipeline (which sends the request).
    private static func add(request: ByteBuffer, started: EventLoopPromise<Void>, to channel: any Channel) async throws -> Chunks {
        let loop = channel.eventLoop
        return try await loop.submit { () throws -> Chunks in
            // A closed channel would never answer (nor report its close again).
            guard channel.isActive else { throw PostgresCopyProtocolError(description: "the connection is closed") }
            let handler = PostgresCopyOutHandler(request: request, started: started)
            let made = Chunks.makeSequence(
                backPressureStrategy: .init(lowWatermark: 2, highWatermark: 6), finishOnDeinit: true,
                delegate: Delegate(handler: NIOLoopBound(handler, eventLoop: loop)))
            handler.source = made.source
            let pipeline = channel.pipeline.syncOperations
            if let tls = try? pipeline.handler(type: NIOSSLClientHandler.self) {
                try pipeline.addHandler(handler, position: .after(tls))
            } else {
                try pipeline.addHandler(handler, position: .first)
            }
            return made.sequence
        }.get()
    }

    /// Parse, Bind and Execute of the unnamed statement and portal (no parameters, results
    /// in the COPY's own format), then Sync.
    static func request(_ sql: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        message(UInt8(ascii: "P"), into: &buffer) { body in
            body.writeInteger(UInt8(0))
            body.writeString(sql)
            body.writeInteger(UInt8(0))
            body.writeInteger(Int16(0))
        }
        message(UInt8(ascii: "B"), into: &buffer) { body in
            body.writeInteger(UInt8(0))
            body.writeInteger(UInt8(0))
            body.writeInteger(Int16(0))
            body.writeInteger(Int16(0))
            body.writeInteger(Int16(0))
        }
        message(UInt8(ascii: "E"), into: &buffer) { body in
            body.writeInteger(UInt8(0))
            body.writeInteger(Int32(0))
        }
        message(UInt8(ascii: "S"), into: &buffer) { _ in }
        return buffer
    }

    private static func message(_ type: UInt8, into buffer: inout ByteBuffer, _ write: (inout ByteBuffer) -> Void) {
        var body = ByteBuffer()
        write(&body)
        buffer.writeInteger(type)
        buffer.writeInteger(Int32(truncatingIfNeeded: body.readableBytes + 4))
        buffer.writeBuffer(&body)
    }
}
