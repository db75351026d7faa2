import Foundation
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

@testable import SluiceXLSX

@Suite struct XLSXLargeSheetTests {
    /// A sheet much larger than the reader's buffers streams through them: the buffer never
    /// grows, each chunk holds one batch, and the chunks' bytes add up to the file.
    @Test func aLargeSheetIsReadInBoundedMemory() throws {
        let rows = 100_000
        let ints = Column(storage: .ints(Array(0..<rows)))
        var text = TextColumn()
        for i in 0..<rows { text.append("row \(i) of the large sheet") }
        let doubles = Column(storage: .doubles((0..<rows).map { Double($0) / 4 }))
        let batch = RecordBatch(fields: ["n", "label", "quarter"], columns: [ints, Column(storage: .text(text)), doubles], positions: Array(1...rows))
        let bytes = try XLSXEncoderTests.write([batch], options: XLSXWriteOptions(compressionLevel: 1))
        let input = MemoryInput(name: "large.xlsx", bytes: bytes)
        let reader = try XLSXReader(input: input, options: XLSXReadOptions(batchSize: 2500))
        var total = 0
        var count = 0
        var chunks = 0
        var expectedN = 0
        while let chunk = try reader.next() {
            chunks += 1
            total += chunk.bytes
            #expect(chunk.batch.count <= 2500)
            guard chunk.batch.count > 0 else { continue }
            guard case .ints(let n) = chunk.batch.columns[0].storage else {
                Issue.record("n is not an int column")
                break
            }
            if n.first != expectedN {
                Issue.record("chunk \(chunks) starts at \(n.first ?? -1), expected \(expectedN)")
                break
            }
            expectedN += chunk.batch.count
            count += chunk.batch.count
            #expect(reader.sheetBufferBytes == 256 * 1024)
        }
        #expect(count == rows)
        #expect(chunks == rows / 2500 + 1)
        #expect(total == bytes.count)
    }

    /// An archive using ZIP64 records throughout (sizes and offsets in extra fields, a ZIP64
    /// end record), as writers of very large files make them.
    @Test func zip64ArchivesAreRead() async throws {
        let parts = XLSXTestSupport.minimalPackage(
            sheetData: #"<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row><row r="2"><c r="A2"><v>64</v></c></row>"#)
        let zip = Self.zip64(parts.map { ($0.0, Array($0.1.utf8)) })
        let result = try XLSXTestSupport.readAll(MemoryInput(name: "zip64.xlsx", bytes: zip))
        #expect(result.fields == ["h"])
        #expect(result.rows == [[64]])
        // Python's zipfile agrees the archive is sound.
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("zip64.xlsx")
        try Data(zip).write(to: URL(fileURLWithPath: path))
        let check = try await XLSXTestSupport.python("import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip(), len(z.namelist()))", path)
        #expect(check.trimmingCharacters(in: .whitespacesAndNewlines) == "None \(parts.count)")
        for length in stride(from: 0, to: zip.count, by: 3) {
            XLSXHostileInputTests.readOrFail(Array(zip[0..<length]), "zip64 truncated to \(length)")
        }
    }

    /// Stored entries with every size and offset in ZIP64 extra fields.
    static func zip64(_ entries: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, data) in entries {
            let offset = out.count
            let crc = CRC32.of(data)
            let nameBytes = Array(name.utf8)
            var extra: [UInt8] = []
            LittleEndian.append(UInt16(1), to: &extra)
            LittleEndian.append(UInt16(16), to: &extra)
            LittleEndian.append(UInt64(data.count), to: &extra)
            LittleEndian.append(UInt64(data.count), to: &extra)
            LittleEndian.append(UInt32(0x0403_4B50), to: &out)
            LittleEndian.append(UInt16(45), to: &out)
            LittleEndian.append(UInt16(0), to: &out)
            LittleEndian.append(UInt16(0), to: &out)
            LittleEndian.append(UInt16(0), to: &out)
            LittleEndian.append(UInt16(0x21), to: &out)
            LittleEndian.append(crc, to: &out)
            LittleEndian.append(UInt32(0xFFFF_FFFF), to: &out)
            LittleEndian.append(UInt32(0xFFFF_FFFF), to: &out)
            LittleEndian.append(UInt16(nameBytes.count), to: &out)
            LittleEndian.append(UInt16(extra.count), to: &out)
            out += nameBytes + extra + data
            var centralExtra: [UInt8] = []
            LittleEndian.append(UInt16(1), to: &centralExtra)
            LittleEndian.append(UInt16(24), to: &centralExtra)
            LittleEndian.append(UInt64(data.count), to: &centralExtra)
            LittleEndian.append(UInt64(data.count), to: &centralExtra)
            LittleEndian.append(UInt64(offset), to: &centralExtra)
            LittleEndian.append(UInt32(0x0201_4B50), to: &central)
            LittleEndian.append(UInt16(45), to: &central)
            LittleEndian.append(UInt16(45), to: &central)
            LittleEndian.append(UInt16(0), to: &central)
            LittleEndian.append(UInt16(0), to: &central)
            LittleEndian.append(UInt16(0), to: &central)
            LittleEndian.append(UInt16(0x21), to: &central)
            LittleEndian.append(crc, to: &central)
            LittleEndian.append(UInt32(0xFFFF_FFFF), to: &central)
            LittleEndian.append(UInt32(0xFFFF_FFFF), to: &central)
            LittleEndian.append(UInt16(nameBytes.count), to: &central)
            LittleEndian.append(UInt16(centralExtra.count), to: &central)
            LittleEndian.append(UInt16(0), to: &central)
            LittleEndian.append(UInt16(0), to: &central)
            LittleEndian.append(UInt16(0), to: &central)
            LittleEndian.append(UInt32(0), to: &central)
            LittleEndian.append(UInt32(0xFFFF_FFFF), to: &central)
            central += nameBytes + centralExtra
        }
        let directoryOffset = out.count
        out += central
        let recordOffset = out.count
        LittleEndian.append(UInt32(0x0606_4B50), to: &out)
        LittleEndian.append(UInt64(44), to: &out)
        LittleEndian.append(UInt16(45), to: &out)
        LittleEndian.append(UInt16(45), to: &out)
        LittleEndian.append(UInt32(0), to: &out)
        LittleEndian.append(UInt32(0), to: &out)
        LittleEndian.append(UInt64(entries.count), to: &out)
        LittleEndian.append(UInt64(entries.count), to: &out)
        LittleEndian.append(UInt64(central.count), to: &out)
        LittleEndian.append(UInt64(directoryOffset), to: &out)
        LittleEndian.append(UInt32(0x0706_4B50), to: &out)
        LittleEndian.append(UInt32(0), to: &out)
        LittleEndian.append(UInt64(recordOffset), to: &out)
        LittleEndian.append(UInt32(1), to: &out)
        LittleEndian.append(UInt32(0x0605_4B50), to: &out)
        LittleEndian.append(UInt16(0), to: &out)
        LittleEndian.append(UInt16(0), to: &out)
        LittleEndian.append(UInt16(0xFFFF), to: &out)
        LittleEndian.append(UInt16(0xFFFF), to: &out)
        LittleEndian.append(UInt32(0xFFFF_FFFF), to: &out)
        LittleEndian.append(UInt32(0xFFFF_FFFF), to: &out)
        LittleEndian.append(UInt16(0), to: &out)
        return out
    }
}
