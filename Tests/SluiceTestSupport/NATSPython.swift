/// nats-py, the NATS tests' second client: writes their input, reads their results and asks
/// the server about streams and consumers. `scripts/test.sh` installs it when it is missing.
public enum NATSPython {
    /// Runs `script` inside an asyncio function where `nc` is a client of `server` (signed in
    /// as the server requires) and `js` its JetStream context; `sys.argv[2:]` are `arguments`.
    /// Returns what the script printed.
    public static func run(_ server: NATSTestServer, _ script: String, _ arguments: [String] = []) async throws -> String {
        let body = script.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        let program = """
            import asyncio, json, sys, nats
            async def main():
                nc = await nats.connect(sys.argv[1], allow_reconnect=False)
                js = nc.jetstream()
            \(body)
                await nc.close()
            asyncio.run(main())
            """
        return try await Python.run(program, arguments: [server.clientURL] + arguments)
    }

    /// Creates the stream `name` taking `subjects` (with a duplicate window of `duplicateWindowSeconds`).
    public static func addStream(_ server: NATSTestServer, _ name: String, subjects: [String], duplicateWindowSeconds: Double = 120) async throws {
        _ = try await run(
            server, "await js.add_stream(name=sys.argv[2], subjects=json.loads(sys.argv[3]), duplicate_window=float(sys.argv[4]))",
            [name, "[" + subjects.map { "\"\($0)\"" }.joined(separator: ", ") + "]", String(duplicateWindowSeconds)])
    }

    /// Publishes `{"id": n, "total": n * 10}` for each of `ids` to `subject`, each acknowledged by its stream.
    public static func publish(_ server: NATSTestServer, _ subject: String, ids: ClosedRange<Int>) async throws {
        _ = try await run(
            server,
            "for n in range(int(sys.argv[3]), int(sys.argv[4]) + 1): await js.publish(sys.argv[2], json.dumps({'id': n, 'total': n * 10}).encode())",
            [subject, String(ids.lowerBound), String(ids.upperBound)])
    }

    /// Publishes `payload` as it is to `subject`; returns its stream sequence.
    public static func publish(_ server: NATSTestServer, _ subject: String, payload: String) async throws -> Int {
        let printed = try await run(server, "print((await js.publish(sys.argv[2], sys.argv[3].encode())).seq)", [subject, payload])
        return Int(printed.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// The consumer's `num_pending` (not yet delivered) and `num_ack_pending` (delivered, not acknowledged).
    public static func consumer(_ server: NATSTestServer, _ stream: String, _ durable: String) async throws -> (pending: Int, ackPending: Int) {
        let printed = try await run(
            server, "i = await js.consumer_info(sys.argv[2], sys.argv[3])\nprint(i.num_pending, i.num_ack_pending)", [stream, durable])
        let numbers = printed.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : (-1, -1)
    }

    /// Every message of `stream` as `[subject, Nats-Msg-Id or null, payload text]`, in stream order, as JSON.
    public static func messages(_ server: NATSTestServer, _ stream: String) async throws -> String {
        try await run(
            server,
            """
            info = await js.stream_info(sys.argv[2])
            out = []
            for seq in (range(info.state.first_seq, info.state.last_seq + 1) if info.state.messages else []):
                m = await js.get_msg(sys.argv[2], seq)
                out.append([m.subject, (m.headers or {}).get('Nats-Msg-Id'), m.data.decode()])
            print(json.dumps(out))
            """, [stream])
    }
}
