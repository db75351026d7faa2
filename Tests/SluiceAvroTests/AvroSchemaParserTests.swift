@testable import SluiceAvro
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct AvroSchemaParserTests {
    private func parse(_ json: String) throws -> AvroSchema {
        try AvroSchemaParser.parse(try JSONParser.parse(json))
    }

    @Test func fixedPrecisionLimitsMatchTheSpecFormula() async throws {
        let script = "import math\nfor n in range(1, 33): print(len(str(2 ** (8 * n - 1) - 1)) - 1)"
        let expected = try await Python.run(script).split(separator: "\n").compactMap { Int($0) }
        #expect((1...32).map { AvroSchemaParser.maximumPrecision(fixedSize: $0) } == expected)
    }

    @Test func minimumSizesAreLowerBounds() throws {
        let schema = try parse(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "double"}, {"name": "b", "type": ["null", "float"]}, {"name": "c", "type": {"type": "fixed", "name": "F", "size": 5}}, {"name": "d", "type": ["null", "R"]}]}"#)
        #expect(schema[schema.root].minimumSize == 8 + 1 + 5 + 1)
    }

    @Test func failures() {
        func message(_ json: String) -> String? {
            do {
                _ = try parse(json)
                return nil
            } catch let failure as AvroSchemaParser.Failure {
                return failure.message
            } catch {
                return "\(error)"
            }
        }
        #expect(message(#""nothing""#) == "unknown type name 'nothing' (a named type must be defined before it is used)")
        #expect(message(#"{"type": "enum", "name": "E", "symbols": [1]}"#) == "enum E has a symbol that is not a string: 1")
        #expect(message(#"{"type": "record", "name": "A", "fields": [{"name": "x", "type": {"type": "record", "name": "A", "fields": []}}]}"#) == "the type name A is defined twice")
        #expect(message(#"{"type": "map"}"#) == #"a map type has no "values""#)
        #expect(message("5") == "a type must be a name, an object or a union array, not number 5")
        #expect(message(#"{"type": "fixed", "name": "F", "size": 4, "logicalType": "decimal", "precision": 10}"#) == nil)
    }
}
