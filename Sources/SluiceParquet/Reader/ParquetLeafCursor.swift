import SluiceCore
import SluiceFormats

/// Walks the entries (repetition level, definition level, value) of one leaf column of a
/// nested field, a few thousand at a time, for record assembly.
final class ParquetLeafCursor {
    /// Entries decoded per refill.
    static let refill = 4096

    let reader: ParquetColumnChunkReader
    let maxDefinition: Int
    private var definitions: [UInt8] = []
    private var repetitions: [UInt8] = []
    private var values: ParquetColumnValues
    private var index = 0
    private var valueIndex = 0
    private var invalidIndex = 0
    private var ended = false

    init(reader: ParquetColumnChunkReader) {
        self.reader = reader
        self.maxDefinition = reader.descriptor.maxDefinitionLevel
        self.values = ParquetColumnValues(kind: reader.converter.conversion.kind)
    }

    /// The column's path, for messages.
    var path: String { reader.descriptor.dottedPath }

    /// Whether an entry is at hand (refilling when the buffer is used up); false at the end
    /// of the column chunk.
    func hasEntry() throws -> Bool {
        if index < definitions.count { return true }
        guard !ended else { return false }
        definitions.removeAll(keepingCapacity: true)
        repetitions.removeAll(keepingCapacity: true)
        values.removeAll(resettingTo: reader.converter.conversion.kind)
        index = 0
        valueIndex = 0
        invalidIndex = 0
        var total = 0
        while total == 0 {
            let n = try reader.readEntries(Self.refill, definitions: &definitions, repetitions: &repetitions, values: &values)
            if n == 0 {
                ended = true
                return false
            }
            total += n
        }
        return true
    }

    /// The current entry's definition level (an entry must be at hand).
    var definition: Int { Int(definitions[index]) }
    /// The current entry's repetition level (an entry must be at hand).
    var repetition: Int { Int(repetitions[index]) }

    /// Moves past the current entry, which holds no value.
    func skipEntry() {
        index += 1
    }

    /// The current entry's value (its definition level is the maximum), and why it could not
    /// be read when it could not; moves past it.
    func takeValue() -> (Value, String?) {
        let value = values.value(at: valueIndex)
        var reason: String?
        if invalidIndex < values.invalid.count, values.invalid[invalidIndex].index == valueIndex {
            reason = values.invalid[invalidIndex].reason
            invalidIndex += 1
        }
        valueIndex += 1
        index += 1
        return (value, reason)
    }
}
