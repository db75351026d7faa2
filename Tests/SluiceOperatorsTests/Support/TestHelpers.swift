import SluiceCore
import Testing

@testable import SluiceOperators

/// A component context for tests (no data roots are touched by operators).
func testContext() -> ComponentContext {
    ComponentContext(dataRoots: DataRoots([]))
}

/// Parses JSON text into a value; fails the test on invalid JSON.
func json(_ text: String) throws -> Value {
    try JSONParser.parse(text)
}

/// Decodes `T` from JSON text through the same decoder the engine uses.
func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try ValueDecoder().decode(type, from: try json(text))
}

/// Builds a transform from its config JSON, as the registry will.
func make<T: Transform>(_ type: T.Type, _ configJSON: String) throws -> T {
    try T(config: try decode(T.Config.self, configJSON), context: testContext())
}

/// The `SpecError` that `body` throws, or `nil` if it throws nothing (or something else).
func specError(_ body: () throws -> Void) -> SpecError? {
    do {
        try body()
        return nil
    } catch let error as SpecError {
        return error
    } catch {
        return nil
    }
}

/// A batch from a JSON array of objects; positions are 1, 2, … unless given.
func batch(_ text: String, positions: [Int]? = nil) throws -> RecordBatch {
    guard case .array(let items) = try json(text) else { throw TestFailure("expected a JSON array") }
    let records = try items.map { item -> ValueObject in
        guard case .object(let object) = item else { throw TestFailure("expected objects") }
        return object
    }
    return RecordBatch(records: records, positions: positions)
}

/// The same batch with every column in the general `[Value]` layout, to check that typed
/// fast paths and the general path agree.
func valuesLayout(_ batch: RecordBatch) -> RecordBatch {
    let columns = batch.columns.map { column in
        Column(storage: .values((0..<column.count).map { column.value(at: $0) }), presence: column.presence)
    }
    return RecordBatch(fields: batch.fields, columns: columns, positions: batch.positions)
}

/// The same batch with every text column dictionary-encoded, the way a Parquet reader keeps
/// it, to check that the operators reading that storage agree with plain text. The
/// dictionary is made awkward on purpose: entries in reverse order of first use, each used
/// entry twice (rows alternate between the copies), an entry no row uses, and the empty entry
/// for null and absent rows last.
func dictionaryLayout(_ batch: RecordBatch) -> RecordBatch {
    let columns = batch.columns.map { column -> Column in
        guard case .text(let text) = column.storage else { return column }
        var firstSeen: [String] = []
        var seen: Set<String> = []
        for row in 0..<column.count where column.isPresent(row) {
            let value = text.string(at: row)
            if seen.insert(value).inserted { firstSeen.append(value) }
        }
        var entries = TextColumn()
        entries.append("never used")
        var index: [String: Int32] = [:]
        for value in firstSeen.reversed() {
            index[value] = Int32(entries.count)
            entries.append(value)
            entries.append(value)
        }
        let empty = Int32(entries.count)
        entries.append("")
        let codes = (0..<column.count).map { row -> Int32 in
            guard column.isPresent(row), let code = index[text.string(at: row)] else { return empty }
            return code + Int32(row % 2)
        }
        guard let encoded = DictionaryText(dictionary: entries, codes: codes) else { return column }
        return Column(storage: .dictionary(encoded), presence: column.presence)
    }
    return RecordBatch(fields: batch.fields, columns: columns, positions: batch.positions)
}

/// The batch's records as compact JSON, for exact comparisons.
func text(_ batch: RecordBatch) -> String {
    JSONText.string(.array(batch.records.map { .object($0) }))
}

/// A test precondition that did not hold.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
