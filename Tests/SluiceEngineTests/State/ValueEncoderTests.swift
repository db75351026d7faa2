import SluiceCore
import Testing

@testable import SluiceEngine

@Suite("ValueEncoder")
struct ValueEncoderTests {
    struct Sample: Codable, Equatable {
        var zulu: Int
        var alpha: String?
        var nested: [String: [Double]]
        var list: [Value]
        var big: UInt64
        var flag: Bool
    }

    @Test func keepsEncodingOrderAndValuesAsTheyAre() throws {
        let sample = Sample(
            zulu: -3, alpha: nil, nested: ["k": [1.5, .infinity]], list: [["b": 1, "a": 2], nil, "s"], big: UInt64.max,
            flag: true)
        #expect(
            try ValueEncoder().jsonText(sample)
                == #"{"zulu":-3,"nested":{"k":[1.5,null]},"list":[{"b":1,"a":2},null,"s"],"big":1.8446744073709552e+19,"flag":true}"#)
    }

    @Test func everyStoredTypeRoundTripsThroughJSON() throws {
        func roundTrip<T: Codable & Equatable>(_ value: T) throws {
            let text = try ValueEncoder().jsonText(value)
            #expect(try ValueDecoder().decode(T.self, from: try JSONParser.parse(text)) == value, "\(T.self): \(text)")
        }
        try roundTrip(JobStatus.running)
        try roundTrip(Phase.transformation)
        try roundTrip(StateFixtures.stats())
        try roundTrip(JobRecord(id: "j", name: "n", status: .failed, spec: try StateFixtures.spec(), stats: StateFixtures.stats(), error: "boom", createdAt: 3))
        try roundTrip(DeadLetter(id: 9, jobId: "j", record: ["a": [1, "x"]], error: "e", position: nil, stage: "target", timestamp: 5))
        try roundTrip(LineageNode(id: "n", type: "source", name: "N", jobId: nil, fields: ["a", "b"]))
        try roundTrip(LineageEdge(from: "a", to: "b", relationship: "consumes", jobId: "j", fields: [FieldDerivation(output: "o", inputs: [], how: "constant")]))
        try roundTrip(PhaseSummary(samples: [3, 1, 2]))
        try roundTrip(ScheduleSpec(id: "s", name: "S", cron: "@daily", retryPolicy: RetryPolicy(maxRetries: 2, retryDelay: 100, backoffMultiplier: 2)))
    }
}
