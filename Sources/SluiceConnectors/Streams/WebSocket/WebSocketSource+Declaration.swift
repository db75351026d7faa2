import SluiceCore

extension WebSocketSource {
    public static let declaration = ComponentDeclaration(
        summary: """
            Reads records from a WebSocket: connects to `url` (`ws://` or `wss://`) with the given \
            handshake `headers` (write secrets as `${env:NAME}`, resolved when the job is planned), \
            sends the `subscribe` message if there is one, and reads each text or binary message as \
            JSON: an object is one record, an array one record per object in it. A message that is \
            not JSON, an element that is not an object and a message larger than `maxMessageBytes` \
            go to the dead-letter queue with the message's sequence number (counted across \
            reconnections). When the connection drops, or no message arrives for `idleTimeoutMs`, it \
            is reopened (and `subscribe` sent again) with the backoff of `retry`; after \
            `retry.maxRetries` failed attempts in a row the job fails naming the URL (without its \
            query string). The read ends after `maxRecords` records or `maxDurationMs` (one of them \
            is required); records go out in batches, a partial batch after a short quiet spell. With \
            `continuous: true` instead, the job reads until it is stopped and commits in \
            micro-batches; a WebSocket has no acknowledgement, so what the server sends while the \
            job is down is not read.
            """,
        config: ObjectShape(
            [
                .required("url", .text(format: "url"), "A `ws://` or `wss://` URL."),
                .optional("headers", .map("header name", .text), "Headers of the opening handshake (`Authorization`, say)."),
                .optional(
                    "subscribe", .anyValue,
                    "A message sent after each connection is made: a string as it is, any other JSON value as compact JSON text."),
            ] + StreamSettings.fields,
            rules: StreamSettings.rules),
        examples: [
            ComponentExample(
                "Subscribe to a channel; each message a trade or an array of trades",
                config: #"""
                    {"url": "ws://localhost:{port}/trades", "headers": {"Authorization": "Bearer ${env:SLUICE_SECRET_SHOP_API_TOKEN}"}, "subscribe": {"op": "subscribe", "channel": "trades"}, "maxRecords": 3, "maxDurationMs": 60000, "connectTimeoutMs": 5000, "idleTimeoutMs": 30000, "maxMessageBytes": 1048576, "retry": {"maxRetries": 5, "retryDelay": 200, "maxDelay": 5000}}
                    """#,
                output: #"[{"symbol": "ACME", "price": 10.5, "qty": 3}, {"symbol": "INIT", "price": 99, "qty": 1}, {"symbol": "ACME", "price": 10.75, "qty": 10}]"#,
                files: [
                    "trades": """
                        {"symbol": "ACME", "price": 10.5, "qty": 3}
                        [{"symbol": "INIT", "price": 99, "qty": 1}, {"symbol": "ACME", "price": 10.75, "qty": 10}]
                        {"symbol": "INIT", "price": 98.5, "qty": 4}

                        """
                ]),
        ])
}
