/// A JSON syntax problem at a byte offset of the scanned buffer.
struct JSONScanError: Error, Sendable {
    /// Offset from the start of the buffer.
    var offset: Int
    /// What was wrong, worded as ``JSONParser`` words it.
    var message: String
    /// Whether the scan ran into the end of the buffer, so more bytes might complete it.
    var truncated: Bool
}
