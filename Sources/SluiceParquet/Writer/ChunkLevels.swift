/// The definition and repetition levels of a column chunk's entries (one entry per value or
/// per null / empty-list slot), as the Dremel encoding defines them.
struct ChunkLevels {
    /// The definition level of a present value; 0 for a required top-level column.
    var maxDefinition: Int
    /// The repetition level of a repeated value; 0 outside lists and maps.
    var maxRepetition: Int
    /// One definition level per entry; empty when every entry is a present value.
    var definition: [UInt8]
    /// One repetition level per entry; empty when every entry starts a record.
    var repetition: [UInt8]
    /// The number of entries.
    var count: Int

    /// The levels of a top-level column: one entry per row, definition 1 for present values
    /// and 0 for nulls.
    init(flat chunk: ColumnChunkBuffer) {
        maxDefinition = chunk.plan.required ? 0 : 1
        maxRepetition = 0
        definition = chunk.levels
        repetition = []
        count = chunk.rowCount
    }

    init(maxDefinition: Int, maxRepetition: Int, definition: [UInt8], repetition: [UInt8], count: Int) {
        self.maxDefinition = maxDefinition
        self.maxRepetition = maxRepetition
        self.definition = definition
        self.repetition = repetition
        self.count = count
    }

    /// The end of a page starting at entry `start` with present value `firstValue`: the first
    /// record boundary (an entry of repetition level 0, or the end) at or after the entry that
    /// holds `values` present values. Returns the end entry and the end value.
    func pageEnd(from start: Int, firstValue: Int, values: Int) -> (entry: Int, value: Int) {
        var entry = start
        var value = firstValue
        var needed = values
        if definition.isEmpty {
            entry += needed
            value += needed
            needed = 0
        }
        definition.withUnsafeBufferPointer { definition in
            repetition.withUnsafeBufferPointer { repetition in
                let top = UInt8(truncatingIfNeeded: maxDefinition)
                while entry < count {
                    if needed <= 0, repetition.isEmpty || repetition[entry] == 0 { break }
                    if definition.isEmpty || definition[entry] == top {
                        value += 1
                        needed -= 1
                    }
                    entry += 1
                }
            }
        }
        return (Swift.min(entry, count), value)
    }
}
