import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct TimestampTests {
    @Test func parsesAndFormatsLikePython() async throws {
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
        let expected = try await Python.run(script, input: inputs.joined(separator: "\n")).split(separator: "\n").map { Int64($0) }
        for (input, micros) in zip(inputs, expected) {
            #expect(Timestamp(iso8601: input)?.microseconds == micros, "\(input)")
        }
        #expect(Timestamp(iso8601: "2024-02-29T23:59:59Z")?.iso8601 == "2024-02-29T23:59:59.000Z")
        #expect(Timestamp(iso8601: "1969-12-31T23:59:59.999Z")?.iso8601 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(iso8601: "2024-06-01 12:30:00.123456-05:30")?.iso8601 == "2024-06-01T18:00:00.123456Z")
    }

    @Test func formatsLikePython() async throws {
        // Whole seconds, milliseconds and microseconds from year 1 to 9999, both sides of 1970.
        var generator = SystemRandomNumberGenerator()
        var micros: [Int64] = [0, -1, 1, -1000, 999_000, -62_135_596_800_000_000, 253_402_300_799_999_999, 951_782_400_000_000]
        for _ in 0..<2000 {
            let value = Int64.random(in: -62_135_596_800_000_000...253_402_300_799_999_999, using: &generator)
            micros += [value, value / 1_000_000 * 1_000_000, value / 1000 * 1000]
        }
        let script = """
        import sys, datetime
        epoch = datetime.datetime(1970, 1, 1)
        for line in sys.stdin.read().split('\\n'):
            d = epoch + datetime.timedelta(microseconds=int(line))
            fraction = f'{d.microsecond // 1000:03d}' if d.microsecond % 1000 == 0 else f'{d.microsecond:06d}'
            print(f'{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}.{fraction}Z')
        """
        let expected = try await Python.run(script, input: micros.map(String.init).joined(separator: "\n")).split(separator: "\n").map(String.init)
        #expect(expected.count == micros.count)
        for (value, text) in zip(micros, expected) {
            var bytes: [UInt8] = []
            Timestamp(microseconds: value).appendISO8601(to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == text, "\(value)")
            #expect(Timestamp(microseconds: value).iso8601 == text, "\(value)")
        }
        // Outside Python's years: a sign before year 0 and more than four digits after 9999.
        #expect(Timestamp(iso8601: "0000-03-01T00:00:00Z")?.iso8601 == "0000-03-01T00:00:00.000Z")
        #expect(Timestamp(microseconds: -62_198_755_200_000_000).iso8601 == "-0001-01-01T00:00:00.000Z")
        #expect(Timestamp(microseconds: 253_402_300_800_000_001).iso8601 == "10000-01-01T00:00:00.000001Z")
    }

    @Test func rejectsImpossibleDates() {
        for bad in ["2023-02-29", "2024-13-01", "2024-04-31", "2024-01-01T24:00", "2024-1-1", "yesterday", "2024-01-01T10:00:00+2", ""] {
            #expect(Timestamp(iso8601: bad) == nil, "\(bad)")
        }
    }
}
