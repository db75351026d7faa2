/// A JSON syntax problem at a byte offset of the scanned buffer.
package struct JSONScanError: Error, Sendable {
    /// Offset from the start of the buffer.
    package var offset: Int
    /// What was wrong, worded as ``JSONParser`` words it.
    package var message: String
    /// Whether the scan ran into the end of the buffer, so more bytes might complete it.
    package var truncated: Bool

    package init(offset: Int, message: String, truncated: Bool) {
        self.offset = offset
        self.message = message
        self.truncated = truncated
    }
}
