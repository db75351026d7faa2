import SluiceCore
import SluiceFormats

/// Fetches parts of one object with ranged reads, several at once: the column chunks of a
/// Parquet block, a Parquet footer, or a whole object that a format needs in memory (XLSX).
struct ObjectRangeFetch: Sendable {
    let store: any ObjectStore
    let key: String
    let size: Int
    /// The version the listing saw; every read requires it.
    let version: String?

    /// Ranges closer than this are fetched as one: a small gap costs less than a request,
    /// a large one (an unneeded column's chunk) more.
    static let mergeGap = 64 << 10

    /// The bytes of `ranges` (any order, maybe overlapping): close ranges merged into one
    /// piece each, every piece fetched in parts of ``ObjectStore/partBytes``, at most
    /// ``ObjectStore/partsInFlight`` at once.
    func pieces(_ ranges: [Range<Int>]) async throws -> [(offset: Int, bytes: [UInt8])] {
        var merged: [Range<Int>] = []
        for range in ranges.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound + Self.mergeGap {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        // Each merged range in parts; the parts fetched at once, then joined back.
        var parts: [(piece: Int, range: Range<Int>)] = []
        let step = max(1, store.partBytes)
        for (index, range) in merged.enumerated() {
            var start = range.lowerBound
            while start < range.upperBound {
                let end = min(range.upperBound, start + step)
                parts.append((index, start..<end))
                start = end
            }
        }
        let fetched = try await fetchAll(parts.map(\.range))
        var pieces: [(offset: Int, bytes: [UInt8])] = merged.map { ($0.lowerBound, []) }
        for (index, part) in parts.enumerated() {
            pieces[part.piece].bytes.append(contentsOf: fetched[index])
        }
        return pieces
    }

    /// The whole object.
    func whole() async throws -> [UInt8] {
        guard size > 0 else { return [] }
        return try await pieces([0..<size]).first?.bytes ?? []
    }

    /// `ranges` fetched with at most ``ObjectStore/partsInFlight`` reads at once, in order.
    private func fetchAll(_ ranges: [Range<Int>]) async throws -> [[UInt8]] {
        let store = self.store
        let key = self.key
        let version = self.version
        return try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            var results = [[UInt8]](repeating: [], count: ranges.count)
            var next = 0
            let limit = max(1, store.partsInFlight)
            while next < min(limit, ranges.count) {
                let index = next
                group.addTask { (index, try await store.read(key, range: ranges[index], ifMatch: version)) }
                next += 1
            }
            while let (index, bytes) = try await group.next() {
                results[index] = bytes
                if next < ranges.count {
                    let index = next
                    group.addTask { (index, try await store.read(key, range: ranges[index], ifMatch: version)) }
                    next += 1
                }
            }
            return results
        }
    }

    /// A Parquet file's first four bytes and its footer, as an input the footer can be read
    /// from: the last 64 KiB at once (most footers fit), and the rest of the footer when the
    /// length it declares is larger.
    func parquetFooter() async throws -> RangedInput {
        let name = store.url(of: key)
        guard size >= 12 else { return RangedInput(name: name, size: size, pieces: [(0, try await whole())]) }
        let tailStart = max(0, size - (64 << 10))
        var pieces = try await self.pieces([0..<4, tailStart..<size])
        if let tail = pieces.last, tail.bytes.count >= 8 {
            let at = tail.bytes.count - 8
            let length = Int(tail.bytes[at]) | Int(tail.bytes[at + 1]) << 8 | Int(tail.bytes[at + 2]) << 16 | Int(tail.bytes[at + 3]) << 24
            let footerStart = size - 8 - length
            if footerStart >= 4, footerStart < tail.offset {
                pieces += try await self.pieces([footerStart..<tail.offset])
                // One piece from the footer's start to the end, so the footer reads in one go.
                let joined = pieces.filter { $0.offset >= footerStart }.sorted { $0.offset < $1.offset }.flatMap(\.bytes)
                pieces = pieces.filter { $0.offset < footerStart } + [(footerStart, joined)]
            }
        }
        return RangedInput(name: name, size: size, pieces: pieces)
    }
}
