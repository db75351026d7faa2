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

/// The batch's records as compact JSON, for exact comparisons.
func text(_ batch: RecordBatch) -> String {
    JSONText.string(.array(batch.records.map { .object($0) }))
}

/// A test precondition that did not hold.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
