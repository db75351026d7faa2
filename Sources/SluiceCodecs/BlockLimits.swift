/// The output bounds a block decompression works within.
enum BlockLimits {
    /// The most bytes a block may decompress to: `expectedSize` when given (which must itself
    /// be within `limit`), else `limit`.
    static func allowed(expectedSize: Int?, limit: Int, codec: String) throws -> Int {
        guard limit >= 0 else { throw CodecError("\(codec): negative output limit \(limit)") }
        guard let expectedSize else { return limit }
        guard expectedSize >= 0 else { throw CodecError("\(codec): negative expected size \(expectedSize)") }
        guard expectedSize <= limit else {
            throw CodecError("\(codec): expected size \(expectedSize) exceeds the limit of \(limit) bytes")
        }
        return expectedSize
    }
}
