import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct GroupingTablesTests {
    @Test func textTableKeepsCodesThroughGrowth() {
        var table = TextCodeTable(seed: 7)
        // Keys of every length from 0 to 40 with a shared prefix, so the 8-byte steps and the tail all matter.
        let keys = (0..<3000).map { i in String(repeating: "k", count: i % 41) + String(i) } + [""]
        for (i, key) in keys.enumerated() {
            var key = key
            let code = key.withUTF8 { table.findOrInsert(UnsafeRawBufferPointer($0), next: Int32(i)) }
            #expect(code == Int32(i))
        }
        for (i, key) in keys.enumerated() {
            var key = key
            let code = key.withUTF8 { table.findOrInsert(UnsafeRawBufferPointer($0), next: -5) }
            #expect(code == Int32(i), "\(key)")
        }
    }

    @Test func intTableKeepsCodesThroughGrowth() {
        var table = IntCodeTable(seed: 3)
        let keys: [UInt64] = (0..<5000).map { UInt64($0) &* 0x1_0000_0000 } + [UInt64.max, 1, 2]
        for (i, key) in keys.enumerated() { #expect(table.findOrInsert(key, next: Int32(i)) == Int32(i)) }
        for (i, key) in keys.enumerated() { #expect(table.find(key) == Int32(i)) }
        #expect(table.find(12345) == nil)
        #expect(table.count == keys.count)
    }

    @Test func dictionaryAgreesAcrossLayouts() {
        var dictionary = GroupKeyDictionary(seed: 1)
        var text = TextColumn()
        for s in ["a", "b", "a", ""] { text.append(s) }
        var codes: [Int32] = []
        dictionary.codes(of: Column(storage: .text(text)), count: 4, into: &codes)
        #expect(codes == [0, 1, 0, 2])
        dictionary.codes(of: Column(storage: .ints([1, 2, 1])), count: 3, into: &codes)
        #expect(codes == [3, 4, 3])
        dictionary.codes(of: Column(storage: .doubles([2.0, 0.5, -0.0])), count: 3, into: &codes)
        #expect(codes == [4, 5, 6])
        dictionary.codes(of: Column(values: ["b", 1.0, nil, false, true, false, 0]), count: 7, into: &codes)
        #expect(codes == [1, 3, 7, 8, 9, 8, 6])
        dictionary.codes(of: nil, count: 2, into: &codes)
        #expect(codes == [7, 7])
        #expect(dictionary.keys == ["a", "b", "", 1, 2, 0.5, -0.0, nil, false, true])
    }

    @Test func columnAssemblerChoosesTypedStorage() {
        var ints = ColumnBuilder(capacity: 3)
        ints.append(1)
        ints.appendNull()
        ints.append(3)
        let column = ints.build()
        guard case .ints(let a) = column.storage else {
            Issue.record("expected int storage")
            return
        }
        #expect(a == [1, 0, 3])
        #expect(column.presence == [.present, .null, .present])
        var mixed = ColumnBuilder(capacity: 2)
        mixed.append(1)
        mixed.append(1.5)
        guard case .values(let v) = mixed.build().storage else {
            Issue.record("expected value storage")
            return
        }
        #expect(v == [.int(1), .double(1.5)])
        var text = ColumnBuilder(capacity: 2)
        text.append("x")
        text.append("yz")
        guard case .text(let t) = text.build().storage else {
            Issue.record("expected text storage")
            return
        }
        #expect(t.bytes == Array("xyz".utf8))
        #expect(t.offsets == [0, 1, 3])
    }
}
