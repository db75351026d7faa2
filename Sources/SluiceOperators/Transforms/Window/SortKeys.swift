import SluiceCore

/// The `orderBy` keys of every held row, packed into as few unsigned words as they fit in,
/// so that comparing two rows compares one or two integers.
///
/// Each key becomes one unsigned field that orders as the key does (see ``KeyField``),
/// nulls included, narrowed to the span of values it holds: a customer id from 1 to 100,000
/// takes 17 bits, an ISO timestamp its rank among its partition's distinct timestamps. The
/// fields are laid end to end, first key most significant, as one long integer cut into
/// 64-bit words (`width` per row), so words compare in key order and equal words mean peers.
struct SortKeys {
    /// Words per row (0 when no key orders anything).
    let width: Int
    /// Row `r`'s words are `words[r * width ..< (r + 1) * width]`.
    let words: [UInt64]

    /// The keys of the rows of `layout` from each order key's column (`nil`: no row has the
    /// field, so the key orders nothing). Words compare only rows of the same partition.
    init(_ keys: [(column: Column?, order: WindowOrder)], layout: PartitionLayout) {
        let count = layout.places.count
        var fields: [KeyField] = []
        for (column, order) in keys {
            guard let column else { continue }
            fields.append(contentsOf: KeyField.fields(column, order: order, layout: layout))
        }
        fields.removeAll { $0.bits == 0 }
        let totalBits = fields.reduce(0) { $0 + $1.bits }
        let width = (totalBits + 63) / 64
        var words = [UInt64](repeating: 0, count: count * width)
        var position = 0
        words.withUnsafeMutableBufferPointer { words in
            for field in fields {
                Self.place(field, at: position, width: width, into: words)
                position += field.bits
            }
        }
        self.width = width
        self.words = words
    }

    /// ORs each row's value of `field` into bits `position ..< position + field.bits` of the
    /// row's words, counting from the most significant bit of the first word.
    private static func place(_ field: KeyField, at position: Int, width: Int, into words: UnsafeMutableBufferPointer<UInt64>) {
        let word = position / 64
        let used = position % 64
        let bits = field.bits
        field.values.withUnsafeBufferPointer { values in
            if used + bits <= 64 {
                let shift = UInt64(64 - used - bits)
                for row in 0..<values.count { words[row * width + word] |= values[row] << shift }
            } else {
                // Split across two words: the high part ends this word, the low part starts the next.
                let low = UInt64(used + bits - 64)
                for row in 0..<values.count {
                    words[row * width + word] |= values[row] >> low
                    words[row * width + word + 1] |= values[row] << (64 - low)
                }
            }
        }
    }
}

/// A validated `orderBy` entry.
struct WindowOrder: Sendable {
    let field: String
    let descending: Bool
    let nullsFirst: Bool
}
