import NIOCore
import PostgresNIO
import SluiceCore

/// A bound parameter sent in PostgreSQL's text form with no declared type (OID 0), as libpq
/// sends strings: the server infers the parameter's type from where it is used (the target
/// column of an `INSERT`, the other side of a comparison) and parses the text with that
/// type's input function, so `"12.50"` fills a `numeric`, `"2024-01-02"` a `date` and
/// `"{\"a\":1}"` a `jsonb` column, and a bad value fails with the server's own message.
struct PostgresTextParameter: PostgresDynamicTypeEncodable {
    /// The UTF-8 text.
    var text: [UInt8]

    var psqlType: PostgresDataType { .null }
    var psqlFormat: PostgresFormat { .text }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeBytes(text)
    }
}

extension PostgresBindings {
    /// Appends `value` as an untyped text parameter (see ``PostgresTextParameter``); null
    /// stays null. `arrayColumn` writes arrays in PostgreSQL's array literal form
    /// (`{1,2}`) rather than as JSON. Returns the bytes of the text (1 for null).
    @discardableResult
    mutating func appendText(_ value: Value, arrayColumn: Bool = false) -> Int {
        guard let text = PostgresTextForm.bytes(value, arrayColumn: arrayColumn) else {
            appendNull()
            return 1
        }
        append(PostgresTextParameter(text: text))
        return text.count
    }
}
