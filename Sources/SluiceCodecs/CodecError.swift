/// Compressed bytes that cannot be decompressed (truncated, corrupt, larger than allowed), or
/// a failure of the compressor. The message names what was wrong and where.
public struct CodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, with the offset into the compressed input where it helps.
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
