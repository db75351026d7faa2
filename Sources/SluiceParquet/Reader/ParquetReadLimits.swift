/// The limits the Parquet reader puts on sizes a file declares, so a damaged or hostile file
/// fails with a message instead of making the reader allocate without bound.
enum ParquetReadLimits {
    /// The largest footer (`FileMetaData`) read.
    static let maximumFooterBytes = 256 << 20
    /// The largest page after decompression (Parquet itself caps page sizes at 2 GiB; pages
    /// are usually about 1 MiB).
    static let maximumPageBytes = 1 << 30
    /// The deepest nesting of schema groups.
    static let maximumSchemaDepth = 64
    /// The widest fixed-length byte array.
    static let maximumFixedLength = 1 << 24
    /// The widest decimal (bytes of its unscaled two's-complement integer): 64 bytes hold
    /// 154 digits, far beyond any writer's precision limit.
    static let maximumDecimalBytes = 64
    /// The largest decimal scale.
    static let maximumDecimalScale = 1000
    /// The most bytes of text one batch's column may hold (``TextColumn`` offsets are 32-bit).
    static let maximumTextBytesPerBatch = Int(Int32.max)
}
