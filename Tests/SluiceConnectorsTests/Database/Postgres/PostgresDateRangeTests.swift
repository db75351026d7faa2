import NIOCore
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// PostgreSQL dates reach year 5874897; Sluice's timestamps (microseconds in an Int64) about
/// ±292,000 years. A date past that once trapped on the multiplication to microseconds; it
/// now fails the read with a reason.
@Suite struct PostgresDateRangeTests {
    /// The binary cell of a date `days` days from 2000-01-01.
    static func cell(_ days: Int32) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(days)
        return buffer
    }

    static func message(_ days: Int32) -> String {
        "PostgreSQL sent a date \(days) days from 2000-01-01, past the years a Sluice date holds"
    }

    /// The last day whose midnight fits, and the first that does not, at both ends.
    @Test func theEdgesOfTheRange() throws {
        // Int64.max µs is 106,751,991 whole days after 1970-01-01; 2000-01-01 is day 10,957.
        let lastDay: Int32 = 106_751_991 - 10_957
        var last = Self.cell(lastDay)
        #expect(try PostgresCellDecoder.value(&last, kind: .date) == .timestamp(Timestamp(microseconds: 106_751_991 * 86_400_000_000)))
        var past = Self.cell(lastDay + 1)
        #expect(throws: ConnectorError.io(Self.message(lastDay + 1))) { try PostgresCellDecoder.value(&past, kind: .date) }

        let firstDay: Int32 = -106_751_991 - 10_957
        var first = Self.cell(firstDay)
        #expect(try PostgresCellDecoder.value(&first, kind: .date) == .timestamp(Timestamp(microseconds: -106_751_991 * 86_400_000_000)))
        var before = Self.cell(firstDay - 1)
        #expect(throws: ConnectorError.io(Self.message(firstDay - 1))) { try PostgresCellDecoder.value(&before, kind: .date) }

        var infinity = Self.cell(.max)
        #expect(try PostgresCellDecoder.value(&infinity, kind: .date) == "infinity")
        var nearlyInfinity = Self.cell(.max - 1)
        #expect(throws: ConnectorError.io(Self.message(.max - 1))) { try PostgresCellDecoder.value(&nearlyInfinity, kind: .date) }
    }

    /// Through a real server: a far-future date fails the read with the reason (a clean job
    /// failure), and a date inside the range reads.
    @Test func aFarFutureDateFromTheServerFailsTheRead() async throws {
        let far = try PostgresFixture.source(["query": "SELECT DATE '300000-01-01' AS d"])
        let days = Int32(Timestamp.daysFromCivil(year: 300_000, month: 1, day: 1) - 10_957)
        await #expect(throws: ConnectorError.io(Self.message(days))) { try await PostgresFixture.records(far) }

        let near = try PostgresFixture.source(["query": "SELECT DATE '292000-01-01' AS d"])
        let micros = Int64(Timestamp.daysFromCivil(year: 292_000, month: 1, day: 1)) * 86_400_000_000
        #expect(try await PostgresFixture.records(near) == [["d": .timestamp(Timestamp(microseconds: micros))]])
    }
}
