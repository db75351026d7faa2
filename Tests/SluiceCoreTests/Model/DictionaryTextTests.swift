import Testing

@testable import SluiceCore

/// Dictionary-encoded text reads, gathers, flattens and spills as the plain text it stands for.
@Suite struct DictionaryTextTests {
    /// Entries "north", "south", "" (for null rows) and "east", which no row uses.
    static func entries() -> TextColumn {
        var entries = TextColumn()
        for value in ["north", "south", "", "east"] { entries.append(value) }
        return entries
    }

    /// Rows: north, south, null, south, absent, north.
    static func column() throws -> Column {
        let text = try #require(DictionaryText(dictionary: entries(), codes: [0, 1, 2, 1, 2, 0]))
        return Column(storage: .dictionary(text), presence: [.present, .present, .null, .present, .absent, .present])
    }

    @Test func codesOutsideTheDictionaryAreRefused() {
        #expect(DictionaryText(dictionary: Self.entries(), codes: [0, 4]) == nil)
        #expect(DictionaryText(dictionary: Self.entries(), codes: [-1]) == nil)
        #expect(DictionaryText(dictionary: Self.entries(), codes: [Int32.max]) == nil)
        #expect(DictionaryText(dictionary: TextColumn(), codes: [0]) == nil)
        #expect(DictionaryText(dictionary: TextColumn(), codes: [])?.count == 0)
        #expect(DictionaryText(dictionary: Self.entries(), codes: [3, 3, 0])?.count == 3)
    }

    @Test func rowsReadAsTheirEntries() throws {
        let column = try Self.column()
        #expect(column.count == 6)
        #expect(column.isDictionaryText)
        #expect((0..<6).map(column.value(at:)) == ["north", "south", nil, "south", nil, "north"])
        #expect(column.number(at: 0) == nil)
        var builder = ColumnBuilder(capacity: 6)
        for row in 0..<6 { builder.append(from: column, row: row) }
        let rebuilt = builder.build()
        guard case .text(let text) = rebuilt.storage else {
            Issue.record("rebuilt as \(rebuilt.storage)")
            return
        }
        #expect((0..<6).map { rebuilt.presence(at: $0) } == [.present, .present, .null, .present, .absent, .present])
        #expect((0..<6).map { text.string(at: $0) } == ["north", "south", "", "south", "", "north"])
    }

    @Test func flatteningCopiesEachRowAndLeavesNullRowsEmpty() throws {
        let column = try Self.column()
        let flat = column.flatteningDictionary()
        guard case .text(let text) = flat.storage else {
            Issue.record("flattened to \(flat.storage)")
            return
        }
        #expect(text.bytes == Array("northsouthsouthnorth".utf8))
        #expect(text.offsets == [0, 5, 10, 10, 15, 15, 20])
        #expect(flat.presence == column.presence)
        // A null row whose code points at a non-empty entry still gets the empty placeholder.
        let nullOnNorth = Column(
            storage: .dictionary(try #require(DictionaryText(dictionary: Self.entries(), codes: [0, 1]))), presence: [.null, .present])
        guard case .text(let other) = nullOnNorth.flatteningDictionary().storage else { return }
        #expect(other.offsets == [0, 0, 5])
        #expect(other.bytes == Array("south".utf8))
    }

    @Test func gatheringKeepsTheDictionary() throws {
        let column = try Self.column()
        let picked = column.gathering([5, 1, 2, 0])
        guard case .dictionary(let text) = picked.storage else {
            Issue.record("gathered as \(picked.storage)")
            return
        }
        #expect(text.codes == [0, 1, 2, 0])
        #expect(text.dictionary.offsets == Self.entries().offsets)
        #expect((0..<4).map(picked.value(at:)) == ["north", "south", nil, "north"])
    }

    @Test func batchesFlattenOnlyTheirDictionaryColumns() throws {
        let ints = Column(storage: .ints([1, 2, 3, 4, 5, 6]))
        let batch = RecordBatch(fields: ["region", "n"], columns: [try Self.column(), ints], positions: Array(1...6))
        #expect(batch.hasDictionaryText)
        let flat = batch.flatteningDictionaries()
        #expect(!flat.hasDictionaryText)
        #expect(flat.records == batch.records)
        guard case .ints(let kept) = flat.columns[1].storage else { return }
        #expect(kept == [1, 2, 3, 4, 5, 6])
        // Estimated bytes: 6 presence bytes + 6 codes + the dictionary's 14 bytes and 5 offsets, plus 6 ints and positions.
        #expect(batch.estimatedBytes == 6 * 8 + 6 + 6 * 4 + 14 + 5 * 4 + 6 * 8)
    }

    @Test func spillFramesHoldThePlainText() throws {
        let batch = RecordBatch(fields: ["region"], columns: [try Self.column()], positions: Array(1...6))
        var bytes: [UInt8] = []
        BatchFrame.encode(batch, rows: 1..<5, into: &bytes)
        let back = try BatchFrame.decode(bytes)
        #expect(back.positions == [2, 3, 4, 5])
        #expect(back.records == batch.selecting([1, 2, 3, 4]).records)
        #expect(!back.hasDictionaryText)
    }
}
