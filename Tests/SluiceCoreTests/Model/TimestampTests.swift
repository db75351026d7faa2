import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct TimestampTests {
    @Test func parsesAndFormatsLikePython() throws {
        let inputs = [
            "2024-02-29", "2024-02-29T23:59:59Z", "1969-12-31T23:59:59.999Z", "2024-06-01T12:30:00+02:00",
            "2024-06-01 12:30:00.123456-05:30", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2000-01-01T00:00",
        ]
        let script = """
        import sys, datetime
        for line in sys.stdin.read().split('\\n'):
            s = line.replace('Z', '+00:00')
            d = datetime.datetime.fromisoformat(s)
            if d.tzinfo is None: d = d.replace(tzinfo=datetime.timezone.utc)
            delta = d - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
            print((delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds)
        """
        let expected = try Python.run(script, input: inputs.joined(separator: "\n")).split(separator: "\n").map { Int64($0) }
        for (input, micros) in zip(inputs, expected) {
            #expect(Timestamp(iso8601: input)?.microseconds == micros, "\(input)")
        }
        #expect(Timestamp(iso8601: "2024-02-29T23:59:59Z")?.iso8601 == "2024-02-29T23:59:59.000Z")
        #expect(Timestamp(iso8601: "1969-12-31T23:59:59.999Z")?.iso8601 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(iso8601: "2024-06-01 12:30:00.123456-05:30")?.iso8601 == "2024-06-01T18:00:00.123456Z")
    }

    @Test func rejectsImpossibleDates() {
        for bad in ["2023-02-29", "2024-13-01", "2024-04-31", "2024-01-01T24:00", "2024-1-1", "yesterday", "2024-01-01T10:00:00+2", ""] {
            #expect(Timestamp(iso8601: bad) == nil, "\(bad)")
        }
    }
}
