import Testing

@testable import SluiceConnectors

/// Entry IDs as the server sends them, parsed without a String: what `UInt64("…")` takes on
/// each side of one `-`, nothing else.
@Suite struct RedisStreamIDTests {
    @Test func parsesWhatTheServerSendsAndWritesItBack() {
        for text in ["1700000000000-0", "0-1", "18446744073709551615-18446744073709551615"] {
            let id = RedisStreamID(bytes: Array(text.utf8))
            #expect(id.map { String(decoding: $0.bytes, as: UTF8.self) } == text)
            #expect(id == RedisStreamID(text))
        }
        #expect(RedisStreamID(bytes: Array("12-34".utf8)) == RedisStreamID(bytes: Array("12-34".utf8)))
        #expect(RedisStreamID(bytes: Array("12-34".utf8)) != RedisStreamID(bytes: Array("12-35".utf8)))
    }

    @Test func refusesEverythingElse() {
        for text in ["", "-", "1-", "-1", "1-2-3", "a-1", "1-b", "1", " 1-2", "1-2 ", "+1-2", "18446744073709551616-0", "0-18446744073709551616"] {
            #expect(RedisStreamID(bytes: Array(text.utf8)) == nil, "\(text)")
            #expect(RedisStreamID(text) == nil || text == "+1-2", "\(text)")
        }
    }
}
