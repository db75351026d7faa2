import SluiceCore
import Testing

@Suite struct ColumnBuilderTests {
    @Test func keepsTypedStorageAndFallsBackOnMixedValues() {
        var ints = ColumnBuilder()
        ints.appendNull()
        ints.appendInt(3)
        ints.appendAbsent()
        let column = ints.build()
        guard case .ints(let a) = column.storage else { Issue.record("expected ints"); return }
        #expect(a == [0, 3, 0])
        #expect(column.presence == [.null, .present, .absent])
        #expect((0..<3).map(column.value(at:)) == [nil, 3, nil])

        var mixed = ColumnBuilder()
        mixed.appendString("a")
        mixed.appendNull()
        mixed.appendInt(2)
        mixed.append(["x": 1])
        let m = mixed.build()
        guard case .values(let v) = m.storage else { Issue.record("expected values"); return }
        #expect(v == ["a", nil, 2, ["x": 1]])
        #expect(m.presence == [.present, .null, .present, .present])
    }

    @Test func appendingIsLinear() {
        // 200k text appends would take minutes if each append copied the buffer.
        var builder = ColumnBuilder(capacity: 1024)
        for i in 0..<200_000 { builder.appendString("value-\(i)") }
        let column = builder.build()
        #expect(column.count == 200_000)
        #expect(column.value(at: 199_999) == "value-199999")
    }
}
