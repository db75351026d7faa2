import SluiceCore
import Testing

@testable import SluiceConnectors

@Suite struct PostgresCDCTextValueTests {
    private func value(_ text: String, _ oid: UInt32) -> Value { PgOutputTextValue.value(Array(text.utf8), typeOID: oid) }

    private func timestamp(_ iso: String) throws -> Value { .timestamp(try #require(Timestamp(iso8601: iso))) }

    @Test func integersFloatsAndBooleans() {
        #expect(value("9223372036854775807", 20) == .int(Int.max))
        #expect(value("-9223372036854775808", 20) == .int(Int.min))
        #expect(value("-32768", 21) == .int(-32768))
        #expect(value("2147483647", 23) == .int(2_147_483_647))
        #expect(value("4294967295", 26) == .int(4_294_967_295))
        #expect(value("1.5", 701) == .double(1.5))
        #expect(value("1e+300", 701) == .double(1e300))
        #expect(value("0.1", 700) == .double(0.1))
        #expect(value("NaN", 701) == .string("NaN"))
        #expect(value("-Infinity", 701) == .string("-Infinity"))
        #expect(value("t", 16) == .bool(true))
        #expect(value("f", 16) == .bool(false))
    }

    @Test func numericIsExact() {
        #expect(value("42", 1700) == .int(42))
        #expect(value("-12.000", 1700) == .int(-12))
        #expect(value("9223372036854775807", 1700) == .int(Int.max))
        #expect(value("-9223372036854775808", 1700) == .int(Int.min))
        #expect(value("0.000", 1700) == .int(0))
        #expect(value("0.1", 1700) == .double(0.1))
        #expect(value("-12.50", 1700) == .double(-12.5))
        #expect(value("1234567.891", 1700) == .double(1_234_567.891))
        #expect(value("0.0000001", 1700) == .double(1e-7))
        // 2^63 is integral but does not fit Int64; as a double it prints 9.223372036854776e+18 (other digits).
        #expect(value("9223372036854775808", 1700) == .string("9223372036854775808"))
        #expect(value("12345678901234567.89", 1700) == .string("12345678901234567.89"))
        #expect(value("0.10000000000000001", 1700) == .string("0.10000000000000001"))
        #expect(value("3.14159265358979323846", 1700) == .string("3.14159265358979323846"))
        #expect(value("NaN", 1700) == .string("NaN"))
        #expect(value("Infinity", 1700) == .string("Infinity"))
        // Integral and too large for Int64, but exactly a double's shortest form: 1e+20.
        #expect(value("100000000000000000000", 1700) == .double(1e20))
    }

    @Test func canonicalDecimalsCompareByValue() {
        #expect(PgOutputDecimal("1.50") == PgOutputDecimal("15e-1"))
        #expect(PgOutputDecimal("-0.0") == PgOutputDecimal("0"))
        #expect(PgOutputDecimal("0012.3400") == PgOutputDecimal("12.34"))
        #expect(PgOutputDecimal("1e-07") == PgOutputDecimal("0.0000001"))
        #expect(PgOutputDecimal("1.2.3") == nil)
        #expect(PgOutputDecimal("abc") == nil)
        #expect(PgOutputDecimal(".") == nil)
    }

    @Test func timestampsDatesAndZones() throws {
        #expect(value("2024-03-10 12:00:00+00", 1184) == (try timestamp("2024-03-10T12:00:00Z")))
        #expect(value("2024-03-10 12:00:00.123456+05:30", 1184) == (try timestamp("2024-03-10T06:30:00.123456Z")))
        #expect(value("2024-03-10 01:00:00-08", 1184) == (try timestamp("2024-03-10T09:00:00Z")))
        #expect(value("1850-01-01 00:00:00+00:53:28", 1184) == (try timestamp("1849-12-31T23:06:32Z")))
        #expect(value("2024-03-10 12:00:00.5", 1114) == (try timestamp("2024-03-10T12:00:00.5Z")))
        #expect(value("2024-02-29", 1082) == (try timestamp("2024-02-29T00:00:00Z")))
        #expect(value("infinity", 1184) == .string("infinity"))
        #expect(value("-infinity", 1082) == .string("-infinity"))
        #expect(value("0044-03-15 00:00:00+00 BC", 1184) == .string("0044-03-15 00:00:00+00 BC"))
        #expect(value("12345-01-01", 1082) == .string("12345-01-01"))
    }

    @Test func byteaIsBase64() {
        #expect(value("\\x", 17) == .string(""))
        #expect(value("\\x000102fffe", 17) == .string("AAEC//4="))
        #expect(value("\\xDEADBEEF", 17) == .string("3q2+7w=="))
        #expect(value("\\x0", 17) == .string("\\x0"))
        #expect(value("\\xzz", 17) == .string("\\xzz"))
    }

    @Test func jsonIsParsed() {
        #expect(value("{\"a\": [1, 2.5, null], \"b\": \"x\"}", 3802) == ["a": [1, 2.5, nil], "b": "x"])
        #expect(value("[true]", 114) == [true])
        #expect(value("\"s\"", 3802) == "s")
        #expect(value("{bad", 114) == .string("{bad"))
    }

    @Test func arraysAreParsed() {
        #expect(value("{1,2,NULL,-3}", 1007) == [1, 2, nil, -3])
        #expect(value("{}", 1016) == [])
        #expect(value("{{1,2},{3,4}}", 1007) == [[1, 2], [3, 4]])
        #expect(value("[0:1]={7,8}", 1007) == [7, 8])
        #expect(value("{\"a b\",\"x\\\"y\",\"NULL\",NULL,plain,\"back\\\\slash\"}", 1009)
            == ["a b", "x\"y", "NULL", nil, "plain", "back\\slash"])
        #expect(value("{t,f}", 1000) == [true, false])
        #expect(value("{1.5,12345678901234567.89,3}", 1231) == [1.5, "12345678901234567.89", 3])
        #expect(value("{\"2024-03-10 12:00:00+00\"}", 1185) == [.timestamp(Timestamp(microseconds: 1_710_072_000_000_000))])
        #expect(value("{\"{\\\"k\\\": 1}\",\"[2]\"}", 3807) == [["k": 1], [2]])
        #expect(value("{\"\\\\x0102\"}", 1001) == ["AQI="])
        #expect(value("{a,b", 1009) == "{a,b")
        #expect(value("{\"a\"x}", 1009) == "{\"a\"x}")
    }

    @Test func otherTypesStayText() {
        #expect(value("héllo 🌍", 25) == "héllo 🌍")
        #expect(value("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", 2950) == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
        #expect(value("1 day 02:00:00", 1186) == "1 day 02:00:00")
        #expect(value("{a,b}", 99_999) == "{a,b}")
    }
}
