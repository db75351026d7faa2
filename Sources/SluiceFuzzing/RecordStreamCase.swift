import SluiceCore
import SluiceFormats

/// One fuzz input of a record-stream decoder, taken apart: three bytes of choices (decode
/// options, the sizes of the pieces the data is fed in, the block size of a parallel read),
/// then the data itself.
///
/// Choice bits, in order: delimiter (2: `,` `;` tab `|`; for JSON documents the
/// `recordsPath`: none, `data`, `data.items`, `a`), header row (1), batch size (3: 1, 2, 3,
/// 4, 5, 7, 64, 4096), first line (1: 1 or 9), projection (1), declared field types (2),
/// block size (6: 1…64 bytes), piece sizes (3 and 5: 1…8 and 1…32 bytes).
public struct RecordStreamCase: Sendable {
    /// The number of leading bytes that hold choices rather than data.
    public static let choiceBytes = 3

    /// The format read.
    public let format: DataFormat
    /// The options the decoder gets.
    public let options: DecodeOptions
    /// The sizes of the pieces the data is fed in, cycled.
    public let pieceSizes: [Int]
    /// The block size of the parallel read emulated for CSV and NDJSON.
    public let blockBytes: Int
    /// The data after the choice bytes.
    public let data: [UInt8]

    /// Field names with declared types in some cases: header names and the generated
    /// `columnN` names, so both kinds of file are typed.
    static let fieldTypeSets: [[String: FieldType]] = [
        [:],
        ["a": .number, "column1": .number, "b": .boolean, "column2": .boolean, "c": .date, "column3": .date],
        ["a": .string, "b": .string, "c": .string, "column1": .string, "column2": .string, "column3": .string],
        ["a": .object, "column1": .array, "b": .number, "column2": .date, "c": .boolean, "column3": .string],
    ]

    /// The projection used when one is chosen: header names, a generated name and a
    /// de-duplicated header name (`a_2`).
    static let projection: Set<String> = ["a", "column2", "a_2", "c", "id"]

    /// Splits `bytes` into choices and data for `format`.
    public init(format: DataFormat, _ bytes: [UInt8]) {
        var choices = FuzzChoices(bytes.prefix(Self.choiceBytes))
        let delimiterChoice = choices.bits(2)
        let hasHeader = choices.flag()
        let batchSize = choices.pick([1, 2, 3, 4, 5, 7, 64, 4096])
        let firstLine = choices.flag() ? 9 : 1
        let projected = choices.flag()
        let fieldTypes = choices.pick(Self.fieldTypeSets)
        let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]
        let recordsPaths: [String?] = [nil, "data", "data.items", "a"]
        var options = DecodeOptions(
            batchSize: batchSize, delimiter: delimiters[delimiterChoice], hasHeader: hasHeader,
            recordsPath: format == .json ? recordsPaths[delimiterChoice] : nil, fieldTypes: format == .csv ? fieldTypes : [:])
        options.firstLine = firstLine
        options.projection = projected ? Self.projection : nil
        self.format = format
        self.options = options
        blockBytes = 1 + choices.bits(6)
        pieceSizes = [1 + choices.bits(3), 1 + choices.bits(5)]
        data = Array(bytes.dropFirst(Self.choiceBytes))
    }

    /// The data read in one piece.
    public func decodeWhole() -> DecodedStream {
        DecodedStream.decode(format, data, options: options, pieces: data.isEmpty ? [] : [0..<data.count])
    }

    /// The data read in the chosen pieces.
    public func decodeInPieces() -> DecodedStream {
        DecodedStream.decode(format, data, options: options, pieces: fuzzPieces(count: data.count, sizes: pieceSizes))
    }
}
