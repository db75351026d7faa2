import SluiceCodecs
import Testing

/// The block API's size checks, for every codec.
@Suite struct BlockLimitTests {
    static let data = Samples.csv(10_000)

    @Test(arguments: BlockCodec.allCases)
    func roundTripsAndChecksSizes(_ codec: BlockCodec) throws {
        let compressed = try codec.compressed(Self.data)
        #expect(try codec.decompressed(compressed, expectedSize: Self.data.count) == Self.data)
        #expect(try codec.decompressed(compressed, expectedSize: nil, limit: Self.data.count) == Self.data)
        #expect(throws: CodecError.self) { try codec.decompressed(compressed, expectedSize: Self.data.count - 1) }
        #expect(throws: CodecError.self) { try codec.decompressed(compressed, expectedSize: Self.data.count + 1) }
        #expect(throws: CodecError.self) { try codec.decompressed(compressed, expectedSize: nil, limit: Self.data.count - 1) }
        // The expected size must itself be within the limit.
        #expect(throws: CodecError.self) { try codec.decompressed(compressed, expectedSize: Self.data.count, limit: 100) }
    }

    /// A recorded size of a terabyte (within an even larger limit) is never allocated up front:
    /// each codec throws the size mismatch, quickly.
    @Test(arguments: BlockCodec.allCases)
    func hugeRecordedSizesAreNotAllocated(_ codec: BlockCodec) throws {
        let compressed = try codec.compressed(Self.data)
        #expect(throws: CodecError.self) { try codec.decompressed(compressed, expectedSize: 1 << 40, limit: 1 << 41) }
    }

    @Test(arguments: BlockCodec.allCases)
    func emptyInput(_ codec: BlockCodec) throws {
        let compressed = try codec.compressed([])
        #expect(try codec.decompressed(compressed, expectedSize: 0) == [])
    }
}
