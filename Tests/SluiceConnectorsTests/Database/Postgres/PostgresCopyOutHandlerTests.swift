import NIOCore
import NIOEmbedded
import Testing

@testable import SluiceConnectors

/// ``PostgresCopyOutHandler`` on a testing channel, fed the server's messages byte for byte.
@Suite struct PostgresCopyOutHandlerTests {
    /// One backend message: type, length (itself included), body.
    static func message(_ type: Character, _ body: [UInt8] = []) -> [UInt8] {
        let length = UInt32(4 + body.count)
        return [UInt8(ascii: type.unicodeScalars.first ?? "?")] + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) } + body
    }

    /// The server's whole answer to a binary COPY of two rows whose COPY data payloads are
    /// "row-one" and "row-two".
    static let answer: [UInt8] =
        message("1") + message("2") + message("H", [1, 0, 1, 0, 1]) + message("d", Array("row-one".utf8))
        + message("d", Array("row-two".utf8)) + message("c") + message("C", Array("COPY 2".utf8) + [0]) + message("Z", [UInt8(ascii: "I")])

    /// A handler for `SELECT 1` added to `channel`, and the chunks it gives.
    static func start(on channel: NIOAsyncTestingChannel, started: EventLoopPromise<Void>) async throws -> PostgresCopyOut.Chunks {
        let request = PostgresCopyOut.request(PostgresCopyOut.statement("SELECT 1"))
        let loop = channel.eventLoop
        return try await loop.submit {
            let handler = PostgresCopyOutHandler(request: request, started: started)
            let made = PostgresCopyOut.Chunks.makeSequence(
                backPressureStrategy: .init(lowWatermark: 2, highWatermark: 6), finishOnDeinit: true,
                delegate: PostgresCopyOut.Delegate(handler: NIOLoopBound(handler, eventLoop: loop)))
            handler.source = made.source
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            return made.sequence
        }.get()
    }

    /// Every byte of `chunks`, until they end.
    static func bytes(_ chunks: PostgresCopyOut.Chunks) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in chunks { bytes += chunk.readableBytesView }
        return bytes
    }

    @Test func aReadyForQueryBeforeTheAnswerGoesOnToPostgresNIOAndTheCopyStillEnds() async throws {
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5432)).get()
        let started = channel.eventLoop.makePromise(of: Void.self)
        let chunks = try await Self.start(on: channel, started: started)
        let sent = try await channel.readOutbound(as: ByteBuffer.self)
        #expect(sent.map { Array($0.readableBytesView) } == Array(PostgresCopyOut.request(PostgresCopyOut.statement("SELECT 1")).readableBytesView))

        // The ReadyForQuery of PostgresNIO's previous statement, then the answer, in one read.
        let previous = Self.message("Z", [UInt8(ascii: "I")])
        try await channel.writeInbound(ByteBuffer(bytes: previous + Self.answer))
        try await started.futureResult.get()
        #expect(try await Self.bytes(chunks) == Array("row-onerow-two".utf8))
        // PostgresNIO got that ReadyForQuery alone, exactly as sent.
        #expect(try await channel.readInbound(as: ByteBuffer.self).map { Array($0.readableBytesView) } == previous)
        #expect(try await channel.readInbound(as: ByteBuffer.self) == nil)
        // The handler has left: what comes next is PostgresNIO's.
        await #expect(throws: (any Error).self) { try await channel.pipeline.handler(type: PostgresCopyOutHandler.self).get() }
        let next = Self.message("Z", [UInt8(ascii: "I")])
        try await channel.writeInbound(ByteBuffer(bytes: next))
        #expect(try await channel.readInbound(as: ByteBuffer.self).map { Array($0.readableBytesView) } == next)
        _ = try await channel.finish()
    }

    @Test func theAnswerAloneGivesPostgresNIONothing() async throws {
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5432)).get()
        let started = channel.eventLoop.makePromise(of: Void.self)
        let chunks = try await Self.start(on: channel, started: started)
        _ = try await channel.readOutbound(as: ByteBuffer.self)
        // Byte by byte: every message split across reads.
        for byte in Self.answer { try await channel.writeInbound(ByteBuffer(bytes: [byte])) }
        try await started.futureResult.get()
        #expect(try await Self.bytes(chunks) == Array("row-onerow-two".utf8))
        #expect(try await channel.readInbound(as: ByteBuffer.self) == nil)
        _ = try await channel.finish()
    }
}
