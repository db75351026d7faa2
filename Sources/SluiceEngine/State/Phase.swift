/// The three phases of a run whose durations are tracked for `/performance`.
public enum Phase: String, Codable, Sendable, CaseIterable {
    case extraction, transformation, loading
}
