import SluiceCore
import Testing

@testable import SluiceEngine

@Suite("Phase metrics and PhaseSummary")
struct MetricsStoreTests {
    @Test func p95IsNearestRank() {
        #expect(PhaseSummary(samples: []) == PhaseSummary(count: 0, avg: 0, min: 0, max: 0, p95: 0))
        #expect(PhaseSummary(samples: [42]) == PhaseSummary(count: 1, avg: 42, min: 42, max: 42, p95: 42))
        // n = 20: rank ⌈19⌉ = 19 → the 19th smallest, not the maximum.
        let twenty = (1...20).map(Double.init).reversed()
        #expect(PhaseSummary(samples: Array(twenty)) == PhaseSummary(count: 20, avg: 10.5, min: 1, max: 20, p95: 19))
        // n = 21: rank ⌈19.95⌉ = 20.
        #expect(PhaseSummary(samples: (1...21).map(Double.init)).p95 == 20)
        // n = 40: rank 38; n = 100: rank 95.
        #expect(PhaseSummary(samples: (1...40).map(Double.init)).p95 == 38)
        #expect(PhaseSummary(samples: (1...100).map(Double.init).shuffled()).p95 == 95)
        // n = 10: rank ⌈9.5⌉ = 10 → the maximum.
        let seedLike: [Double] = [100, 200, 125, 150, 110, 180, 120, 105, 115, 150]
        #expect(PhaseSummary(samples: seedLike) == PhaseSummary(count: 10, avg: 135.5, min: 100, max: 200, p95: 200))
    }

    @Test func summaryEncodesAsTheAPIDocumentsIt() throws {
        let summary = PhaseSummary(count: 10, avg: 125.5, min: 100, max: 200, p95: 180)
        #expect(try ValueEncoder().jsonText(summary) == #"{"count":10,"avg":125.5,"min":100.0,"max":200.0,"p95":180.0}"#)
    }

    @Test func durationsAreStoredPerPhaseInOrder() async throws {
        try await withStateStore { store, _ in
            try await store.recordPhaseDurations(jobId: "j1", [.extraction: 10, .transformation: 2.5, .loading: 30], at: 1)
            try await store.recordPhaseDurations(jobId: "j2", [.loading: 50, .extraction: 20], at: 2)
            try await store.recordPhaseDurations(jobId: "j3", [.extraction: 5, .transformation: .nan], at: 3)
            try await store.recordPhaseDurations(jobId: "j4", [:], at: 4)
            #expect(try await store.phaseDurations(.extraction) == [10, 20, 5])
            #expect(try await store.phaseDurations(.transformation) == [2.5])
            #expect(try await store.phaseDurations(.loading) == [30, 50])
            let summary = try await PerformanceSummary.load(from: store)
            #expect(
                summary
                    == PerformanceSummary(
                        extraction: PhaseSummary(count: 3, avg: 35.0 / 3, min: 5, max: 20, p95: 20),
                        transformation: PhaseSummary(count: 1, avg: 2.5, min: 2.5, max: 2.5, p95: 2.5),
                        loading: PhaseSummary(count: 2, avg: 40, min: 30, max: 50, p95: 50)))
            #expect(summary[.loading].count == 2)
        }
    }

    @Test func phaseTimingsConvertToDurations() {
        var timings = PhaseTimings(extractionMs: 1, transformationMs: 2, loadingMs: 3)
        timings[.transformation] = 20
        #expect(timings.durations == [.extraction: 1, .transformation: 20, .loading: 3])
        #expect(timings[.loading] == 3)
    }
}
