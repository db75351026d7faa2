import SluiceAvro
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

@Suite struct AvroFileReaderTests {
    @Test func readsAFileThroughRandomAccessInput() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("all.avro")
        _ = try await AvroOracle.run(AvroOracle.writeAllTypesScript, [path, "null", "150", "400"])
        let expected = try await AvroOracle.read(path)
        for readSize in [97, 1 << 20] {
            let reader = try AvroFileReader(input: try LocalFileInput(path: path), options: DecodeOptions(batchSize: 40), readSize: readSize)
            #expect(reader.declaredSchema?.count == 40)
            var chunks: [SourceChunk] = []
            while let chunk = try reader.next() { chunks.append(chunk) }
            #expect(try reader.next() == nil)
            let decoded = DecodedAvro(chunks: chunks, schema: reader.declaredSchema)
            #expect(firstDifference(decoded.rows, expected.rows) == nil, "reads of \(readSize)")
            #expect(decoded.batchSizes == [40, 40, 40, 30])
            #expect(decoded.bytes == (try readBytes(path)).count)
        }
    }

    @Test func refusesWhatIsNotAnAvroFile() throws {
        #expect(throws: FormatError("m.avro: the file is empty: not an Avro object container file")) {
            _ = try AvroFileReader(input: MemoryInput(name: "m.avro", bytes: []))
        }
        #expect(throws: FormatError("m.avro: the file ends at byte 3, inside its header")) {
            _ = try AvroFileReader(input: MemoryInput(name: "m.avro", bytes: [0x4F, 0x62, 0x6A]))
        }
        let header = AvroFileBuilder.header(schema: AvroFileBuilder.oneField(#""long""#))
        let reader = try AvroFileReader(input: MemoryInput(name: "m.avro", bytes: header + [2]))
        #expect(reader.declaredSchema == [FieldSchema(name: "v", type: .integer(bits: 64, signed: true), nullable: false)])
        #expect(throws: FormatError.self) { _ = try reader.next() }
    }
}
