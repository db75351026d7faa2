import Foundation
import SluiceCore
import SluiceFormats
import SluiceParquet
import SluiceTestSupport
import Testing

/// Damaged files: every truncation, systematic bit flips, data cut from under an intact
/// footer, wrong magic, an encrypted footer and unsupported codecs must all throw a
/// `FormatError` (naming the file) or read — never crash, hang or throw anything else.
@Suite struct ParquetFileReaderCorruptionTests {
    /// A small file with flat and nested fields, dictionary and plain pages, written with
    /// `codec` in page version `version`.
    static func writeSmallFile(codec: String, version: String) async throws -> [UInt8] {
        let directory = try TemporaryDirectory(prefix: "sluice-parquet-corrupt")
        defer { directory.remove() }
        let path = directory.file("small.parquet")
        _ = try await Python.run(
            #"""
            import sys, decimal, pyarrow as pa, pyarrow.parquet as pq
            n = 60
            t = pa.table({
                "i": pa.array([i if i % 7 else None for i in range(n)], pa.int64()),
                "s": pa.array(["v%d" % (i % 5) for i in range(n)], pa.string()),
                "d": pa.array([decimal.Decimal(i).scaleb(-2) for i in range(n)], pa.decimal128(9, 2)),
                "f": pa.array([i / 3 for i in range(n)], pa.float64()),
                "l": pa.array([[j for j in range(i % 4)] if i % 5 else None for i in range(n)], pa.list_(pa.int32())),
                "m": pa.array([[("k", i)] for i in range(n)], pa.map_(pa.string(), pa.int32())),
                "st": pa.array([{"a": i, "b": [str(i)]} for i in range(n)], pa.struct([("a", pa.int16()), ("b", pa.list_(pa.string()))])),
            })
            pq.write_table(t, sys.argv[1], compression=sys.argv[2], row_group_size=25, data_page_size=64,
                           column_encoding={"f": "BYTE_STREAM_SPLIT", "i": "DELTA_BINARY_PACKED"}, use_dictionary=["s", "l"],
                           data_page_version=sys.argv[3])
            """#, arguments: [path, codec, version])
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The files, written once by the first test that awaits them (tasks, so that writing them
    /// blocks no thread while other tests wait for them).
    static let smallFile = Task<[UInt8], any Error> { try await writeSmallFile(codec: "none", version: "2.0") }
    static let compressedFiles = Task<[(String, [UInt8])], any Error> {
        var files: [(String, [UInt8])] = []
        for (codec, version) in [("snappy", "1.0"), ("gzip", "2.0"), ("zstd", "1.0"), ("lz4", "2.0")] {
            files.append((codec, try await writeSmallFile(codec: codec, version: version)))
        }
        return files
    }

    /// Reads `bytes` to the end: success, or a FormatError naming the file.
    private func attempt(_ bytes: [UInt8], _ label: String) {
        do {
            _ = try ParquetFixtures.read(MemoryInput(name: "bad.parquet", bytes: bytes), options: DecodeOptions(batchSize: 16))
        } catch let error as FormatError {
            if !error.message.hasPrefix("bad.parquet") { Issue.record("\(label): the message does not name the file: \(error.message)") }
        } catch {
            Issue.record("\(label): threw \(type(of: error)), not FormatError: \(error)")
        }
    }

    @Test func theUndamagedFileReads() async throws {
        let bytes = try await Self.smallFile.value
        let read = try ParquetFixtures.read(MemoryInput(name: "good.parquet", bytes: bytes))
        #expect(read.rows.count == 60)
        #expect(read.bytes == bytes.count)
    }

    @Test func everyTruncationThrows() async throws {
        let bytes = try await Self.smallFile.value
        for length in 0..<bytes.count {
            let cut = Array(bytes[0..<length])
            #expect(throws: FormatError.self, "truncated to \(length)") {
                _ = try ParquetFixtures.read(MemoryInput(name: "cut.parquet", bytes: cut))
            }
        }
    }

    @Test func dataCutFromUnderAnIntactFooter() async throws {
        let bytes = try await Self.smallFile.value
        let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16
        let footerStart = bytes.count - 8 - footerLength
        for cut in stride(from: 4, to: footerStart, by: 3) {
            // Bytes cut out of the data, the footer kept: offsets now point at the wrong bytes or past the data.
            attempt(Array(bytes[0..<cut]) + Array(bytes[footerStart...]), "data cut at \(cut)")
            attempt(Array(bytes[0..<cut]) + Array(bytes[(cut + 1)...]), "one byte removed at \(cut)")
        }
    }

    @Test func bitFlipsInTheFooter() async throws {
        let bytes = try await Self.smallFile.value
        let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16
        for index in (bytes.count - 8 - footerLength)..<bytes.count {
            // Three of each byte's bits, rotating, so every bit position is hit across neighbours.
            for bit in [index % 8, (index + 3) % 8, (index + 5) % 8] {
                var flipped = bytes
                flipped[index] ^= 1 << UInt8(bit)
                attempt(flipped, "bit \(bit) of byte \(index)")
            }
        }
    }

    @Test func bitFlipsInThePages() async throws {
        let bytes = try await Self.smallFile.value
        let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16
        for index in 4..<(bytes.count - 8 - footerLength) {
            var flipped = bytes
            flipped[index] ^= 1 << UInt8(index % 8)
            attempt(flipped, "bit \(index % 8) of byte \(index)")
            if index % 2 == 0 {
                var stamped = bytes
                stamped[index] = 0xFF
                attempt(stamped, "byte \(index) set to 0xFF")
            }
        }
    }

    @Test func bitFlipsInCompressedPages() async throws {
        for (codec, bytes) in try await Self.compressedFiles.value {
            let good = try ParquetFixtures.read(MemoryInput(name: "good.parquet", bytes: bytes))
            #expect(good.rows.count == 60, "\(codec)")
            let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16
            for index in stride(from: 4, to: bytes.count - 8 - footerLength, by: 3) {
                var flipped = bytes
                flipped[index] ^= 1 << UInt8(index % 8)
                attempt(flipped, "\(codec): bit \(index % 8) of byte \(index)")
            }
        }
    }

    @Test func refusesWrongMagicAndEncryptedFooters() async throws {
        let bytes = try await Self.smallFile.value
        var wrongEnd = bytes
        wrongEnd[bytes.count - 1] = UInt8(ascii: "X")
        let endError = try #require(throws: FormatError.self) { try ParquetFixtures.read(MemoryInput(name: "x.parquet", bytes: wrongEnd)) }
        #expect(endError.message == "x.parquet: not a Parquet file: the last 4 bytes (at byte \(bytes.count - 4)) are not PAR1")
        var wrongStart = bytes
        wrongStart[0] = UInt8(ascii: "Q")
        #expect(throws: FormatError("x.parquet: not a Parquet file: the first 4 bytes are not PAR1")) {
            try ParquetFixtures.read(MemoryInput(name: "x.parquet", bytes: wrongStart))
        }
        var encrypted = bytes
        encrypted.replaceSubrange((bytes.count - 4)..., with: Array("PARE".utf8))
        #expect(throws: FormatError("x.parquet: the Parquet footer is encrypted (PARE), which is not supported")) {
            try ParquetFixtures.read(MemoryInput(name: "x.parquet", bytes: encrypted))
        }
        #expect(throws: FormatError("x.parquet: not a Parquet file: 3 bytes is too small (a Parquet file has at least 12)")) {
            try ParquetFixtures.read(MemoryInput(name: "x.parquet", bytes: Array("PAR".utf8)))
        }
        var hugeFooter = bytes
        hugeFooter.replaceSubrange((bytes.count - 8)..<(bytes.count - 4), with: [0xFF, 0xFF, 0xFF, 0x7F])
        let footerError = try #require(throws: FormatError.self) { try ParquetFixtures.read(MemoryInput(name: "x.parquet", bytes: hugeFooter)) }
        #expect(footerError.message.contains("footer length 2147483647"))
    }

    @Test(arguments: ["brotli", "lz4_hadoop"])
    func refusesUnsupportedCodecsByName(_ codec: String) async throws {
        let directory = try TemporaryDirectory(prefix: "sluice-parquet-codec")
        defer { directory.remove() }
        let path = directory.file("c.parquet")
        let script =
            codec == "brotli"
            ? "import sys, pyarrow as pa, pyarrow.parquet as pq\npq.write_table(pa.table({'amount': [1, 2]}), sys.argv[1], compression='brotli')"
            : "import sys, pyarrow as pa, pyarrow.parquet as pq\npq.write_table(pa.table({'amount': [1, 2]}), sys.argv[1], compression='none')"
        _ = try await Python.run(script, arguments: [path])
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        if codec == "lz4_hadoop" {
            // Rewrite the footer's codec field (UNCOMPRESSED, 0) to LZ4 (5): find `codec` after the path list.
            let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8
            let footerStart = bytes.count - 8 - footerLength
            let name = Array("amount".utf8)
            guard let at = (footerStart..<(bytes.count - name.count)).last(where: { Array(bytes[$0..<($0 + name.count)]) == name }) else {
                Issue.record("no column path in the footer")
                return
            }
            // After the path string: field 4 (codec) header 0x15, value zigzag(0) = 0x00.
            let codecAt = at + name.count
            #expect(bytes[codecAt] == 0x15 && bytes[codecAt + 1] == 0x00)
            bytes[codecAt + 1] = 0x0A
        }
        let error = try #require(throws: FormatError.self) { try ParquetFixtures.read(MemoryInput(name: "c.parquet", bytes: bytes)) }
        let wanted = codec == "brotli" ? "BROTLI codec is not supported" : "LZ4 codec (Hadoop framing) is not supported"
        #expect(error.message.hasPrefix("c.parquet: row group 1, column 'amount': "))
        #expect(error.message.contains(wanted))
    }
}
