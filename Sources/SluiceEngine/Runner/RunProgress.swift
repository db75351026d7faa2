/// A snapshot of a running job, for progress displays.
public struct RunProgress: Sendable {
    /// Records read from the source so far.
    public var recordsRead: Int
    /// Bytes read from the source so far.
    public var bytesRead: Int
    /// Total bytes of the source, when known.
    public var expectedBytes: Int?
    /// Seconds since the run started.
    public var elapsedSeconds: Double
    /// Whether this is the final snapshot.
    public var finished: Bool
}
