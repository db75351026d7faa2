/// Options for writing records.
public struct EncodeOptions: Sendable {
    /// CSV: the byte that separates fields.
    public var delimiter: UInt8
    /// CSV: whether to write a header row (the first batch's fields).
    public var writeHeader: Bool

    /// Options with the defaults: `,` delimiter and a header row.
    public init(delimiter: UInt8 = UInt8(ascii: ","), writeHeader: Bool = true) {
        self.delimiter = delimiter
        self.writeHeader = writeHeader
    }
}
