// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.

/// The named limits the Avro reader checks declared sizes and counts against before it
/// allocates or loops, so a damaged or hostile file fails with a message instead of
/// exhausting memory or time.
public enum AvroLimits {
    /// The most bytes the file header (magic, metadata, sync marker) may take: 16 MiB.
    public static let maximumHeaderBytes = 16 << 20
    /// The most bytes one block's data may declare (compressed, as stored): 64 MiB.
    public static let maximumBlockBytes = 64 << 20
    /// The most bytes one block's data may expand to when decompressed: 128 MiB (a nested
    /// value holds each item as a `Value`, so this also bounds what a decompression bomb costs).
    public static let maximumDecompressedBlockBytes = 128 << 20
    /// The deepest nesting of values (records in records, arrays in arrays) a record may have.
    public static let maximumValueDepth = 64
    /// The most items of a type that takes no bytes (`null`, an empty record) one array or map
    /// block, or one file block, may declare.
    public static let maximumZeroSizeItems = 1 << 20
    /// The most digits a decimal logical type may declare; a larger precision is taken as an
    /// invalid logical type (the value is then read as its plain bytes).
    public static let maximumDecimalPrecision = 1000
    /// The most bytes one decimal value's unscaled integer may take.
    public static let maximumDecimalBytes = 512
}
