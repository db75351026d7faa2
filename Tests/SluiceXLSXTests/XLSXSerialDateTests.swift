import SluiceCore
import Testing

@testable import SluiceXLSX

@Suite struct XLSXSerialDateTests {
    static func ts(_ text: String) -> Timestamp? { Timestamp(iso8601: text) }

    @Test func the1900SystemWithTheLotusBug() {
        #expect(XLSXSerialDate.read(1, date1904: false) == .timestamp(Self.ts("1900-01-01")!))
        #expect(XLSXSerialDate.read(59, date1904: false) == .timestamp(Self.ts("1900-02-28")!))
        // Serial 60 is Lotus's 1900-02-29, read as 1900-02-28 (as openpyxl does).
        #expect(XLSXSerialDate.read(60, date1904: false) == .timestamp(Self.ts("1900-02-28")!))
        #expect(XLSXSerialDate.read(61, date1904: false) == .timestamp(Self.ts("1900-03-01")!))
        #expect(XLSXSerialDate.read(45_000.5, date1904: false) == .timestamp(Self.ts("2023-03-15T12:00:00Z")!))
        #expect(XLSXSerialDate.read(2_958_465.999988426, date1904: false) == .timestamp(Self.ts("9999-12-31T23:59:59Z")!))
        #expect(XLSXSerialDate.read(2_958_466, date1904: false) == .outOfRange)
        #expect(XLSXSerialDate.read(-1, date1904: false) == .outOfRange)
    }

    @Test func the1904System() {
        #expect(XLSXSerialDate.read(1, date1904: true) == .timestamp(Self.ts("1904-01-02")!))
        #expect(XLSXSerialDate.read(43_538.25, date1904: true) == .timestamp(Self.ts("2023-03-15T06:00:00Z")!))
    }

    @Test func timesRoundToTheMillisecond() {
        #expect(XLSXSerialDate.read(0.5, date1904: false) == .timeOfDay("12:00:00"))
        #expect(XLSXSerialDate.read(0, date1904: false) == .timeOfDay("00:00:00"))
        // 1.0005 s after midnight rounds to 1.000 s… 1.0006 s to 1.001 s.
        #expect(XLSXSerialDate.read(1.0006 / 86_400, date1904: false) == .timeOfDay("00:00:01.001000"))
        // Just below 1: rounds up to the next midnight, a date (openpyxl's reading).
        #expect(XLSXSerialDate.read(0.999_999_999_9, date1904: false) == .timestamp(Self.ts("1900-01-01")!))
        #expect(XLSXSerialDate.read(45_000.000_011_574, date1904: false) == .timestamp(Self.ts("2023-03-15T00:00:01Z")!))
    }

    @Test func elapsedTimes() {
        #expect(XLSXSerialDate.elapsed(1.5) == "36:00:00")
        #expect(XLSXSerialDate.elapsed(0.25) == "06:00:00")
        #expect(XLSXSerialDate.elapsed(1.0 / 86_400 * 1.5) == "00:00:01.500000")
        #expect(XLSXSerialDate.elapsed(200) == "4800:00:00")
    }

    @Test func serialsOfTimestamps() {
        #expect(XLSXSerialDate.serial(Self.ts("1900-01-01")!) == 1)
        #expect(XLSXSerialDate.serial(Self.ts("1900-02-28")!) == 59)
        #expect(XLSXSerialDate.serial(Self.ts("1900-03-01")!) == 61)
        #expect(XLSXSerialDate.serial(Self.ts("2023-03-15T12:00:00Z")!) == 45_000.5)
        #expect(XLSXSerialDate.serial(Self.ts("1899-12-31")!) == nil)
        #expect(XLSXSerialDate.serial(Timestamp(microseconds: 253_402_300_800_000_000)) == nil)
        // Every day of a few years round-trips.
        for day in stride(from: -25_567, to: 30_000, by: 37) {
            let t = Timestamp(microseconds: Int64(day) * 86_400_000_000 + 43_200_000_000)
            guard let serial = XLSXSerialDate.serial(t) else {
                Issue.record("no serial for day \(day)")
                continue
            }
            #expect(XLSXSerialDate.read(serial, date1904: false) == .timestamp(t), "day \(day)")
        }
    }
}
