/// Builds `pgoutput` messages byte by byte for the decoder tests.
final class PgOutputBytes {
    private(set) var bytes: [UInt8] = []

    init(_ tag: Character) { byte(tag) }

    @discardableResult func byte(_ character: Character) -> Self {
        bytes.append(character.asciiValue ?? 0)
        return self
    }

    @discardableResult func int8(_ value: UInt8) -> Self {
        bytes.append(value)
        return self
    }

    @discardableResult func int16(_ value: UInt16) -> Self { integer(UInt64(value), 2) }

    @discardableResult func int32(_ value: UInt32) -> Self { integer(UInt64(value), 4) }

    @discardableResult func int64(_ value: UInt64) -> Self { integer(value, 8) }

    @discardableResult func string(_ value: String) -> Self {
        bytes.append(contentsOf: Array(value.utf8) + [0])
        return self
    }

    /// TupleData: `nil` is `n`, `"\u{0}u"` is an unchanged TOAST value, other strings `t`.
    @discardableResult func tuple(_ cells: [String?]) -> Self {
        int16(UInt16(cells.count))
        for cell in cells {
            switch cell {
            case nil: byte("n")
            case "\u{0}u": byte("u")
            case let text?:
                byte("t")
                int32(UInt32(text.utf8.count))
                bytes.append(contentsOf: text.utf8)
            }
        }
        return self
    }

    private func integer(_ value: UInt64, _ size: Int) -> Self {
        for shift in stride(from: (size - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        return self
    }
}
