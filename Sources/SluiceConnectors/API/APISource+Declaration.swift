import SluiceCore

extension APISource {
    public static let declaration = ComponentDeclaration(
        summary: """
            Reads records from an HTTP API: one `GET` of `url`, or a `POST` of the JSON `body`, sent \
            with `Accept: application/json` and the given `headers` (write secrets as \
            `${env:NAME}`, resolved from the server's environment when the job is planned; a \
            literal value under a secret-looking header such as `Authorization` is shown as `***`). \
            The answer must have a 2xx status, or the job fails with it, and hold a JSON array of \
            records or an object holding one (at `recordsPath`, else its only member that is an array \
            of objects); an element that is not an object goes to the dead-letter queue. The \
            body is streamed into the JSON parser as it arrives, so a large answer is never held \
            whole; a syntax error in it fails the job. `timeoutMs` bounds the request. Lineage and \
            messages name the URL without its query string, which may carry credentials. With \
            `incremental` the whole answer is read and the engine keeps the records past the \
            watermark.
            """,
        config: ObjectShape([
            .required("url", .text(format: "url"), "An `http://` or `https://` URL."),
            .optional("method", .choice(["GET", "POST"]), default: "GET", "The request method."),
            .optional("headers", .map("header name", .text), "Request headers, added to `Accept: application/json`."),
            .optional("body", .anyValue, "POST: the JSON body (sent with `Content-Type: application/json`); not sent with GET."),
            .optional("recordsPath", .nonEmptyText, "Dotted path of the records array inside the answer's object (`data.items`)."),
            .optional("timeoutMs", .integer(1, 3_600_000), default: 30_000, "Milliseconds before the request is abandoned and the job fails."),
        ]),
        examples: [
            ComponentExample(
                "GET with a token; the records inside the answer",
                config:
                    #"{"url": "http://localhost:{port}/orders.json", "headers": {"Authorization": "Bearer ${env:SLUICE_SECRET_SHOP_API_TOKEN}"}, "recordsPath": "data.orders", "timeoutMs": 10000}"#,
                output: #"[{"id": 1, "total": 12.5, "status": "paid"}, {"id": 2, "total": 80, "status": "open"}]"#,
                files: [
                    "orders.json": #"{"data": {"orders": [{"id": 1, "total": 12.5, "status": "paid"}, {"id": 2, "total": 80, "status": "open"}]}, "next": null}"#
                        + "\n"
                ]),
            ComponentExample(
                "POST a JSON body; the answer is an array",
                config: #"{"url": "http://localhost:{port}/search.json", "method": "POST", "body": {"status": "paid", "limit": 100}}"#,
                output: #"[{"id": 1, "status": "paid"}, {"id": 3, "status": "paid"}]"#,
                files: ["search.json": #"[{"id": 1, "status": "paid"}, {"id": 3, "status": "paid"}]"# + "\n"]),
        ])
}
