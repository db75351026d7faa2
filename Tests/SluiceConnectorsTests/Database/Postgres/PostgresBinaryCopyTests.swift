import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// The target's binary COPY stores exactly what the text form stores: each group of values
/// goes into one table through the binary path and into a twin table through the text path
/// (an extra `inet` column there has no binary form, so its runs go as text), and PostgreSQL's
/// own text of every cell, and every rejection, must be the same.
@Suite struct PostgresBinaryCopyTests {
    static let columnTypes: [(name: String, sql: String, type: PostgresColumnType)] = [
        ("i2", "int2", .int2), ("i4", "int4", .int4), ("i8", "int8", .int8), ("f4", "float4", .float4), ("f8", "float8", .float8),
        ("n", "numeric", .numeric), ("n2", "numeric(12,2)", .numeric), ("b", "bool", .bool), ("t", "text", .text),
        ("vc", "varchar(20)", .text), ("bc", "char(5)", .text), ("d", "date", .date), ("ts", "timestamp", .timestamp),
        ("tstz", "timestamptz", .timestamptz), ("j", "json", .json), ("jb", "jsonb", .jsonb), ("u", "uuid", .uuid), ("by", "bytea", .bytea),
    ]

    static func ts(_ text: String) -> Value {
        guard let timestamp = Timestamp(iso8601: text) else { return .string("bad timestamp \(text)") }
        return .timestamp(timestamp)
    }

    static func ts(micros: Int64) -> Value { .timestamp(Timestamp(microseconds: micros)) }

    /// Values of one column written in one batch, and whether they all have a binary form.
    struct Group: Sendable {
        var column: String
        var values: [Value]
        var binary: Bool
    }

    static let million: Int64 = 1_000_000
    static let groups: [Group] = [
        Group(column: "i2", values: [0, 1, -32768, 32767, nil], binary: true),
        Group(column: "i2", values: [3.0, -0.0, -12.0], binary: true),
        Group(column: "i2", values: ["12", "-7", "+5", "007"], binary: true),
        Group(column: "i2", values: [40000], binary: false),
        Group(column: "i2", values: [" 1"], binary: false),
        Group(column: "i4", values: [.int(Int(Int32.min)), .int(Int(Int32.max)), "-2147483648"], binary: true),
        Group(column: "i4", values: ["2147483648"], binary: false),
        Group(column: "i8", values: [.int(Int.min), .int(Int.max), 0, nil], binary: true),
        Group(column: "i8", values: [9_007_199_254_740_991.0, -2.0], binary: true),
        Group(column: "i8", values: ["9223372036854775807", "-9223372036854775808"], binary: true),
        Group(column: "i8", values: [0.5], binary: false),
        Group(column: "i8", values: ["1e3"], binary: false),
        Group(column: "i8", values: [true], binary: false),
        Group(column: "f4", values: [16_777_217, -3, .int(Int.max)], binary: true),
        Group(column: "f4", values: [0.1, 1.5e30, -0.0, .double(.nan), .double(.infinity), .double(-.infinity), 3.4028234663852886e38], binary: true),
        // Exactly halfway between two floats: the text's digits, not the double, decide.
        Group(column: "f4", values: [1.0000000596046448], binary: false),
        Group(column: "f4", values: ["0.1", "1e10", "-0", "3.5", ".25"], binary: true),
        Group(column: "f4", values: [1e-40], binary: false),
        Group(column: "f4", values: [1e39], binary: false),
        Group(column: "f8", values: [.int(Int.max), 123, -1], binary: true),
        Group(column: "f8", values: [0.1, 5e-324, 1.7976931348623157e308, -0.0, .double(.nan), .double(-.infinity), 1e-320, 2.5], binary: true),
        Group(column: "f8", values: ["0.1", "-0", "1e308", ".5", "5.", "1E-300", "0.30000000000000004"], binary: true),
        Group(column: "f8", values: ["1e400"], binary: false),
        Group(column: "f8", values: ["Infinity"], binary: false),
        Group(column: "n", values: [0, .int(Int.min), .int(Int.max), 10000, 100_000_000, -9999], binary: true),
        Group(column: "n", values: [
            0.5, -0.001, 1e-05, 1.5e-05, 123.456, 1e20, 1.152921504606847e18, 0.30000000000000004, -0.0, .double(.nan),
            .double(.infinity), .double(-.infinity), 5e-324, 1e300, 1234567890123.25, 0.1, -98765.4321,
        ], binary: true),
        Group(column: "n", values: [
            "0", "-0.00", "12.50", "0.0001000", "123456789012345678901234567890.123456789012345678901234567890", "1e-10", "1.5E+3",
            "NaN", "nan", ".5", "5.", "007.5", "-0.000000000000000000001", "99999999", "100000000.00000001", "+3",
        ], binary: true),
        Group(column: "n", values: ["Infinity"], binary: false),
        Group(column: "n", values: [" 1"], binary: false),
        Group(column: "n2", values: [0.125, 0.135, 12.345, -0.005, 1_234_567_890.12, 5], binary: true),
        Group(column: "n2", values: ["1.005", "0.994999", "-1.115"], binary: true),
        Group(column: "n2", values: [1e11], binary: true),
        Group(column: "b", values: [true, false, nil], binary: true),
        Group(column: "b", values: [0, 1], binary: true),
        Group(column: "b", values: [1.0, 0.0], binary: true),
        Group(column: "b", values: ["t", "FALSE", "yes", "No", "on", "OFF", "1", "0", "y", "N"], binary: true),
        Group(column: "b", values: ["tr"], binary: false),
        Group(column: "b", values: [2], binary: false),
        Group(column: "t", values: [1, -0.0, 0.1, 1e300, .double(.nan), true, "", "héllo 🌍", "tab\tnl\n\\back", "q\"uote"], binary: true),
        Group(column: "t", values: [Self.ts("2024-01-02T03:04:05.123456Z"), Self.ts(micros: -62_167_219_200_000_000 - 1), ["a": [1, "x"]], [1, nil]], binary: true),
        Group(column: "t", values: ["a\u{0}b"], binary: true),
        Group(column: "vc", values: ["short", "exactly twenty chars", "trailing    spaces          "], binary: true),
        Group(column: "vc", values: ["this string is longer than twenty"], binary: true),
        Group(column: "bc", values: ["ab", "abcde", "abcde   ", ""], binary: true),
        Group(column: "d", values: [
            Self.ts("1970-01-01"), Self.ts(micros: -1), Self.ts("2000-01-01T23:59:59.999999Z"), Self.ts("0001-01-01"),
            Self.ts(micros: -62_167_219_200_000_000), Self.ts("9999-12-31T23:00:00Z"), Self.ts(micros: 3_000_000_000_000_000_000),
        ], binary: true),
        Group(column: "d", values: ["2024-02-29", "2024-01-01T23:30:00-05:00", "1999-12-31 10:00"], binary: true),
        Group(column: "d", values: ["2024-02-30"], binary: false),
        Group(column: "d", values: ["01/02/2024"], binary: false),
        Group(column: "d", values: ["infinity"], binary: false),
        Group(column: "ts", values: [
            Self.ts("2024-01-02T03:04:05.123456Z"), Self.ts("1850-06-15T12:00:00Z"), Self.ts(micros: -1), Self.ts(micros: -62_167_219_200_000_000 - 1),
            Self.ts("9999-12-31T23:59:59.999999Z"), Self.ts(micros: Int64.max),
        ], binary: true),
        Group(column: "ts", values: ["2024-01-01T05:00:00+05:00", "2024-01-01 10:20", "1900-06-15T12:34:56.789012Z", "2024-01-01", "2024-01-01T10:00:00.5-0330"], binary: true),
        Group(column: "ts", values: ["2024-01-01T24:00:00"], binary: false),
        Group(column: "ts", values: ["2024-01-01 10:00:00.1234567"], binary: false),
        Group(column: "ts", values: ["2024-06-30T23:59:60Z"], binary: false),
        Group(column: "tstz", values: [
            Self.ts("2024-01-02T03:04:05.123456Z"), Self.ts("1850-06-15T12:00:00Z"), Self.ts(micros: -1), Self.ts(micros: -62_167_219_200_000_000 - 1),
            Self.ts(micros: Int64.max), Self.ts(micros: -210_866_803_200_000_000),
        ], binary: true),
        // Before PostgreSQL's first instant (4714-11-24 BC): refused either way.
        Group(column: "tstz", values: [Self.ts(micros: -210_866_803_200_000_001)], binary: true),
        Group(column: "tstz", values: [Self.ts(micros: Int64.min)], binary: false),
        Group(column: "tstz", values: ["2024-01-01T05:00:00+05:00", "2024-01-01 10:20", "2024-01-01T10:00:00.5-0330", "1999-12-31T23:59:59Z", "2024-03-05T10:00:00+15:59"], binary: true),
        Group(column: "tstz", values: ["2024-01-01T10:00:00 UTC"], binary: false),
        Group(column: "j", values: [["a": [1, "x", nil], "é": "🌍\"\\"], [], 1, 2.5, true, "{\"b\": [1, 2]}", "\"s\""], binary: true),
        Group(column: "j", values: ["not json"], binary: true),
        Group(column: "jb", values: [["z": 1, "a": [true, false]], [:], -7, 0.1, false, "[1, {\"k\": null}]", "\"unicode é\""], binary: true),
        Group(column: "jb", values: [.double(.nan)], binary: true),
        Group(column: "u", values: ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC999C0B4EF8BB6D6BB9BD380A12"], binary: true),
        Group(column: "u", values: ["{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"], binary: false),
        Group(column: "u", values: [7], binary: false),
        Group(column: "by", values: ["abc", "\\x00ff41", "", "ü", 42, 0.5, true], binary: true),
        Group(column: "by", values: ["a\\\\b"], binary: false),
        Group(column: "by", values: [["a": "b\\c"]], binary: false),
    ]

    @Test func everyEncodedTypeStoresWhatTheTextFormStores() async throws {
        let binaryTable = PostgresFixture.uniqueTable("bin")
        let textTable = PostgresFixture.uniqueTable("txt")
        let columns = Self.columnTypes.map { "\($0.name) \($0.sql)" }.joined(separator: ", ")
        try await PostgresFixture.psql("CREATE TABLE \(binaryTable) (k int PRIMARY KEY, \(columns)); CREATE TABLE \(textTable) (k int PRIMARY KEY, \(columns), force inet)")
        try await withAsyncCleanup {
            var key = 0
            var binaryBatches: [RecordBatch] = []
            var textBatches: [RecordBatch] = []
            for group in Self.groups {
                let records: [Value] = group.values.map { value in
                    key += 1
                    return .object(ValueObject([("k", .int(key)), (group.column, value)]))
                }
                let batch = PostgresFixture.batch(records)
                let type = Self.columnTypes.first { $0.name == group.column }?.type ?? .text
                let encoder = PostgresBinaryCopyEncoder(fields: [0, 1], types: [.int4, type], withOrdinal: false)
                #expect(encoder.accepts(batch, rows: 0..<batch.count) == group.binary, "\(group.column): \(group.values)")
                #expect((encoder.encode(batch, rows: 0..<batch.count) != nil) == group.binary, "\(group.column): \(group.values)")
                binaryBatches.append(batch)
                textBatches.append(PostgresFixture.batch(records.map { record in
                    var object = record.objectValue ?? ValueObject()
                    object.appendUnchecked(key: "force", value: .null)
                    return .object(object)
                }))
            }
            let binaryRejected = try await PostgresFixture.write(try PostgresFixture.target(["table": .string(binaryTable)]), binaryBatches)
            let textRejected = try await PostgresFixture.write(try PostgresFixture.target(["table": .string(textTable)]), textBatches)
            #expect(binaryRejected.map(\.reasons) == textRejected.map(\.reasons))
            #expect(binaryRejected.map(\.position) == textRejected.map(\.position))
            #expect(binaryRejected.count == textRejected.count && !binaryRejected.isEmpty)

            // Each cell's text with newlines as \n (and backslashes doubled), null as ∅, so every row is one line.
            let selected = (["k"] + Self.columnTypes.map(\.name)).map { "coalesce(replace(replace(\($0)::text, '\\', '\\\\'), chr(10), '\\n'), '∅')" }
                .joined(separator: ", ")
            let stored = try await PostgresFixture.rows("SELECT \(selected) FROM \(binaryTable) ORDER BY k")
            let expected = try await PostgresFixture.rows("SELECT \(selected) FROM \(textTable) ORDER BY k")
            #expect(stored.count == expected.count)
            for (row, want) in zip(stored, expected) where row != want {
                Issue.record("row k=\(row.first ?? "?"): binary \(row) != text \(want)")
            }
            #expect(stored.count == key - binaryRejected.count)
            let storedKeys = Set(stored.compactMap { $0.first.flatMap { Int($0) } })
            let rejectedKeys = Set(binaryRejected.compactMap { rejection -> Int? in
                if case .int(let k)? = rejection.record.objectValue?["k"] { return k }
                return nil
            })
            #expect(storedKeys.isDisjoint(with: rejectedKeys), "\(storedKeys.intersection(rejectedKeys))")
            #expect(storedKeys.union(rejectedKeys) == Set(1...key), "\(Set(1...key).subtracting(storedKeys.union(rejectedKeys)))")
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE IF EXISTS \(binaryTable), \(textTable)")
        }
    }

    /// The strict readers decline whatever the server might read its own way.
    @Test func strictTextReaders() {
        func bytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
            var text = text
            return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        }
        #expect(bytes("-9223372036854775808") { PostgresTextInput.integer($0) } == Int64.min)
        #expect(bytes("+007") { PostgresTextInput.integer($0) } == 7)
        for bad in ["9223372036854775808", "+", "", "1 ", " 1", "1_000", "0x1F"] {
            #expect(bytes(bad) { PostgresTextInput.integer($0) } == nil, "\(bad)")
        }
        let decimal = bytes("-1.50e3") { PostgresTextInput.decimal($0) }
        #expect(decimal?.digits == Array("150".utf8) && decimal?.pointPosition == 4 && decimal?.scale == 0 && decimal?.negative == true)
        #expect(bytes("0.0012e-2") { PostgresTextInput.decimal($0) }?.scale == 6)
        for bad in ["1e-9223372036854775808", "1e1001", ".", "-", "1e", "1.2.3", "1,5", "NaN", "Infinity", " 1", "1e+"] {
            #expect(bytes(bad) { PostgresTextInput.decimal($0) } == nil, "\(bad)")
        }
        #expect(bytes("TRUE") { PostgresTextInput.boolean($0) } == true)
        #expect(bytes("tr") { PostgresTextInput.boolean($0) } == nil)
        #expect(bytes("A0EEBC99-9c0b-4ef8-bb6d-6bb9bd380a11") { PostgresTextInput.uuid($0) }?.first == 0xA0)
        #expect(bytes("a0eebc99-9c0b4ef8-bb6d-6bb9bd380a11-") { PostgresTextInput.uuid($0) } == nil)
        #expect(bytes("\\x00Ff") { PostgresTextInput.bytea($0) }.map(Array.init) == [0, 255])
        #expect(bytes("\\x0g") { PostgresTextInput.bytea($0) } == nil)
        #expect(bytes("a\\b") { PostgresTextInput.bytea($0) } == nil)

        let parsed = bytes("2024-02-29T23:59:59.123456+05:30") { PostgresDateTimeInput($0) }
        #expect(parsed?.days == Timestamp.daysFromCivil(year: 2024, month: 2, day: 29))
        #expect(parsed?.microsOfDay == 86_399_123_456)
        #expect(parsed?.offsetSeconds == 19_800)
        #expect(parsed.map { $0.instantMicros - $0.localMicros } == -19_800_000_000)
        #expect(bytes("1999-12-31 10:00") { PostgresDateTimeInput($0) }?.offsetSeconds == nil)
        for bad in [
            "2023-02-29", "0000-01-01", "2024-01-01T10:00:00.1234567", "2024-01-01 10:00+1600", "2024-01-01T24:00:00", "2024-1-01",
            "2024-01-01T10:00:60", "2024-01-01Z", "2024-01-01 10:00 +01", "2024-01-01T10:00:00.", "12024-01-01", "2024-01-01t10:00",
        ] {
            #expect(bytes(bad) { PostgresDateTimeInput($0) } == nil, "\(bad)")
        }
    }
}
