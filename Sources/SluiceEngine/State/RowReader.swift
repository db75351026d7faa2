import SQLiteNIO
import SluiceCore

/// Typed column access that reports damaged rows as ``StateStoreError/corruptRow(table:key:reason:)``.
struct RowReader {
    let row: SQLiteRow
    let table: String
    let key: String

    func corrupt(_ reason: String) -> StateStoreError {
        StateStoreError.corruptRow(table: table, key: key, reason: reason)
    }

    func text(_ column: String) throws(StateStoreError) -> String {
        guard let data = row.column(column), case .text(let text) = data else {
            throw corrupt("column '\(column)' is not text")
        }
        return text
    }

    func optionalText(_ column: String) throws(StateStoreError) -> String? {
        guard let data = row.column(column) else { throw corrupt("column '\(column)' is missing") }
        if case .null = data { return nil }
        guard case .text(let text) = data else { throw corrupt("column '\(column)' is not text") }
        return text
    }

    func int64(_ column: String) throws(StateStoreError) -> Int64 {
        guard let data = row.column(column), case .integer(let value) = data else {
            throw corrupt("column '\(column)' is not an integer")
        }
        return Int64(value)
    }

    func optionalInt(_ column: String) throws(StateStoreError) -> Int? {
        guard let data = row.column(column) else { throw corrupt("column '\(column)' is missing") }
        if case .null = data { return nil }
        guard case .integer(let value) = data else { throw corrupt("column '\(column)' is not an integer") }
        return Int(value)
    }

    func double(_ column: String) throws(StateStoreError) -> Double {
        guard let data = row.column(column), let value = data.double else {
            throw corrupt("column '\(column)' is not a number")
        }
        return value
    }

    /// The JSON text in `column`, parsed.
    func json(_ column: String) throws(StateStoreError) -> Value {
        let text = try text(column)
        do {
            return try JSONParser.parse(text)
        } catch {
            throw corrupt("column '\(column)' holds invalid JSON: \(error)")
        }
    }

    /// The JSON text in `column`, or `nil` for SQL NULL, parsed.
    func optionalJSON(_ column: String) throws(StateStoreError) -> Value? {
        guard let text = try optionalText(column) else { return nil }
        do {
            return try JSONParser.parse(text)
        } catch {
            throw corrupt("column '\(column)' holds invalid JSON: \(error)")
        }
    }

    /// `T` decoded from the JSON in `column`.
    func decode<T: Decodable>(_ type: T.Type, _ column: String) throws(StateStoreError) -> T {
        let value = try json(column)
        do {
            return try ValueDecoder(rejectsUnknownKeys: false).decode(type, from: value)
        } catch {
            throw corrupt("column '\(column)': \(error.message)")
        }
    }

    /// `T` decoded from the JSON in `column`, or `nil` for SQL NULL.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, _ column: String) throws(StateStoreError) -> T? {
        guard let value = try optionalJSON(column) else { return nil }
        do {
            return try ValueDecoder(rejectsUnknownKeys: false).decode(type, from: value)
        } catch {
            throw corrupt("column '\(column)': \(error.message)")
        }
    }
}
