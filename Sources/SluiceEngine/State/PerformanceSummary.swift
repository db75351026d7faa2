/// The `/performance` report: a ``PhaseSummary`` for each phase.
public struct PerformanceSummary: Codable, Sendable, Equatable {
    /// Durations of reading from sources.
    public var extraction: PhaseSummary
    /// Durations of validation and transforms.
    public var transformation: PhaseSummary
    /// Durations of writing to targets.
    public var loading: PhaseSummary

    public init(extraction: PhaseSummary, transformation: PhaseSummary, loading: PhaseSummary) {
        self.extraction = extraction
        self.transformation = transformation
        self.loading = loading
    }

    /// The summary of `phase`.
    public subscript(_ phase: Phase) -> PhaseSummary {
        switch phase {
        case .extraction: return extraction
        case .transformation: return transformation
        case .loading: return loading
        }
    }

    /// Summarizes every duration recorded in `store`.
    public static func load(from store: any MetricsStore) async throws -> PerformanceSummary {
        PerformanceSummary(
            extraction: PhaseSummary(samples: try await store.phaseDurations(.extraction)),
            transformation: PhaseSummary(samples: try await store.phaseDurations(.transformation)),
            loading: PhaseSummary(samples: try await store.phaseDurations(.loading)))
    }
}
