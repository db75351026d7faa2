import SluiceCore
import Testing

@Suite struct ValueDecoderTests {
    @Test func pathsAndMessagesOfDecodingErrors() throws {
        func decode(_ json: String) throws(SpecError) -> JobSpec {
            do {
                return try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
            } catch let error as SpecError {
                throw error
            } catch {
                throw SpecError("\(error)")
            }
        }
        let target = #""target":{"type":"file","config":{}}"#
        #expect(throws: SpecError(path: "source.type", "required field is missing")) { try decode(#"{"name":"x","source":{},\#(target)}"#) }
        #expect(throws: SpecError(path: "source.type", "expected a string, found number")) { try decode(#"{"name":"x","source":{"type":1},\#(target)}"#) }
        #expect(throws: SpecError(path: "transforms[1].operation", "required field is missing")) {
            try decode(#"{"name":"x","source":{"type":"file"},"transforms":[{"operation":"a"},{}],\#(target)}"#)
        }
        #expect(throws: SpecError(path: "source.schema.fields[1].name", "duplicate field 'a'")) {
            try decode(#"{"name":"x","source":{"type":"file","schema":{"fields":[{"name":"a","type":"string"},{"name":"a","type":"number"}]}},\#(target)}"#)
        }
        #expect(throws: SpecError(path: "target.batchSize", "must be at least 1, got 0")) {
            try decode(#"{"name":"x","source":{"type":"file"},"target":{"type":"file","batchSize":0}}"#)
        }
        let spec = try decode(#"{"name":"x","source":{"type":"file","config":{"b":1,"a":2}},\#(target)}"#)
        #expect(spec.source.config.objectValue?.keys == ["b", "a"])
    }
}
