import SluiceCore

/// Persistence of incremental sources' watermarks.
public protocol WatermarkStore: Sendable {
    /// The watermark stored under `key`, or `nil`.
    func watermark(key: String) async throws -> WatermarkRecord?
    /// Stores `record`, replacing the one with the same key.
    func saveWatermark(_ record: WatermarkRecord) async throws
    /// Every stored watermark, by key.
    func watermarks() async throws -> [WatermarkRecord]
    /// Forgets the watermark under `key` (the next run starts over); whether there was one.
    func deleteWatermark(key: String) async throws -> Bool
}
