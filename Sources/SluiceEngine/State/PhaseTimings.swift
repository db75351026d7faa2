/// Milliseconds a run spent in each phase.
public struct PhaseTimings: Codable, Sendable, Equatable {
    /// Time spent reading from the source.
    public var extractionMs: Double
    /// Time spent in validation and transforms.
    public var transformationMs: Double
    /// Time spent writing to the target.
    public var loadingMs: Double

    public init(extractionMs: Double = 0, transformationMs: Double = 0, loadingMs: Double = 0) {
        self.extractionMs = extractionMs
        self.transformationMs = transformationMs
        self.loadingMs = loadingMs
    }

    /// The milliseconds of `phase`.
    public subscript(_ phase: Phase) -> Double {
        get {
            switch phase {
            case .extraction: return extractionMs
            case .transformation: return transformationMs
            case .loading: return loadingMs
            }
        }
        set {
            switch phase {
            case .extraction: extractionMs = newValue
            case .transformation: transformationMs = newValue
            case .loading: loadingMs = newValue
            }
        }
    }

    /// All three durations keyed by phase, as ``MetricsStore/recordPhaseDurations(jobId:_:at:)`` takes them.
    public var durations: [Phase: Double] {
        [.extraction: extractionMs, .transformation: transformationMs, .loading: loadingMs]
    }
}
