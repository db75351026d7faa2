import SluiceCore
import SluiceFormats
import SluiceParquet
import SluiceTestSupport
import Testing

/// Values that cannot be read refuse their record (with every reason, naming the field),
/// while the rest of the file reads: invalid UTF-8 (refused or repaired as
/// `DecodeOptions.invalidUTF8` says), invalid JSON, and dates and timestamps beyond
/// Sluice's microsecond range.
@Suite struct ParquetValueConverterTests {
    /// The file, written once by the first test that awaits it (a task, so that writing it
    /// blocks no thread while other tests wait for it).
    static let file = Task<String, any Error> {
        let directory = try TemporaryDirectory(prefix: "sluice-parquet-values")
        let path = directory.file("bad_values.parquet")
        _ = try await Python.run(
            #"""
            import sys, pyarrow as pa, pyarrow.parquet as pq
            s = pa.array([b"ok", b"bad\xff\xfe", None, b"caf\xe9"], pa.binary()).view(pa.string())
            j = pa.ExtensionArray.from_storage(pa.json_(), pa.array(['{"a": 1}', '{bad', None, '[1]']))
            ts = pa.array([0, 2**62, None, -2**40], pa.int64()).cast(pa.timestamp("ms"))
            d = pa.array([0, 2**31 - 1, None, -719162], pa.int32()).cast(pa.date32())
            l = pa.ListArray.from_arrays([0, 1, 2, 2, 2], pa.array([b"x", b"y\xff"], pa.binary()).view(pa.string()))
            t = pa.table({"id": [1, 2, 3, 4], "s": s, "j": j, "ts": ts, "d": d, "l": l})
            pq.write_table(t, sys.argv[1], compression="none", use_dictionary=["s"])
            """#, arguments: [path])
        return path
    }

    @Test func refusesRecordsWithUnreadableValues() async throws {
        let read = try ParquetFixtures.read(path: try await Self.file.value)
        #expect(read.positions == [1, 3])
        #expect(read.rows.map { $0[0] } == [1, 3])
        #expect(read.rows[0][1] == "ok")
        #expect(read.rows[0][2] == ["a": 1])
        #expect(read.rows[0][4] == .timestamp(Timestamp(microseconds: 0)))
        #expect(read.rows[1][5] == [])
        try #require(read.rejected.count == 2)
        let second = read.rejected[0]
        #expect(second.position == 2)
        #expect(second.stage == "source")
        #expect(second.reasons.count == 5)
        #expect(second.reasons[0] == "record 2: invalid UTF-8 in field 's' at byte 3 of the field")
        #expect(second.reasons[1].hasPrefix("record 2: field 'j': invalid JSON"))
        #expect(second.reasons[2] == "record 2: field 'ts': the timestamp 4611686018427387904 millis is out of range")
        #expect(second.reasons[3] == "record 2: field 'd': the date 2147483647 days from 1970 is out of range")
        #expect(second.reasons[4] == "record 2: invalid UTF-8 in field 'l.list.element' at byte 1 of the field")
        let fourth = read.rejected[1]
        #expect(fourth.position == 4)
        #expect(fourth.reasons == ["record 4: invalid UTF-8 in field 's' at byte 3 of the field"])
        // The refused record holds what could be read, the text repaired.
        #expect(fourth.record.objectValue?["s"] == "caf\u{FFFD}")
        #expect(fourth.record.objectValue?["d"] == .timestamp(Timestamp(microseconds: -719_162 * 86_400_000_000)))
    }

    @Test func repairsInvalidUTF8WhenAskedTo() async throws {
        var options = DecodeOptions()
        options.invalidUTF8 = .replace
        let read = try ParquetFixtures.read(path: try await Self.file.value, options: options)
        #expect(read.positions == [1, 3, 4])
        #expect(read.rows[2][1] == "caf\u{FFFD}")
        try #require(read.rejected.count == 1)
        #expect(read.rejected[0].reasons.count == 3)
        #expect(read.rejected[0].record.objectValue?["s"] == "bad\u{FFFD}\u{FFFD}")
        #expect(read.rejected[0].record.objectValue?["l"] == ["y\u{FFFD}"])
    }
}
