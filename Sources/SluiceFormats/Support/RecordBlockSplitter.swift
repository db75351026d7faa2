#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the last record boundary in a buffer of CSV or NDJSON that starts at a record
/// boundary, so a file can be cut into blocks of whole records and decoded in parallel.
///
/// NDJSON records end at every line feed. CSV records end at a line feed outside quotes; the
/// quoted regions are found by jumping from quote to quote with `memchr` and applying the same
/// rule as the decoder (a quote opens a quoted field only at the start of a field, `""`
/// inside one is an escaped quote), so the cut agrees with sequential decoding even for
/// malformed input.
public struct RecordBlockSplitter: Sendable {
    let format: DataFormat
    let delimiter: UInt8

    /// A splitter for `format` (CSV or NDJSON; JSON documents cannot be split this way).
    public init?(format: DataFormat, delimiter: UInt8 = UInt8(ascii: ",")) {
        guard format == .csv || format == .ndjson else { return nil }
        self.format = format
        self.delimiter = delimiter
    }

    /// The index just past the last record boundary in `p`, or `nil` when `p` holds no
    /// complete record.
    public func lastBoundary(in p: UnsafeRawBufferPointer) -> Int? {
        guard let base = p.baseAddress, p.count > 0 else { return nil }
        if format == .ndjson {
            return Self.lastLineFeed(base, before: p.count).map { $0 + 1 }
        }
        // Walk the quoted regions in order, remembering them: a line feed inside one (closed
        // or still open at the end) is data, not a record end.
        let quote = UInt8(ascii: "\"")
        var regions: [(start: Int, end: Int)] = []
        var searchFrom = 0
        while searchFrom < p.count, let q = Self.find(quote, in: base, from: searchFrom, to: p.count) {
            let previous: UInt8 = q == 0 ? 0x0A : p[q - 1]
            guard previous == delimiter || previous == 0x0A else {
                searchFrom = q + 1  // a literal quote inside an unquoted field
                continue
            }
            var end = p.count  // still open unless a closing quote is found
            var i = q + 1
            while i < p.count, let close = Self.find(quote, in: base, from: i, to: p.count) {
                if close + 1 < p.count, p[close + 1] == quote {
                    i = close + 2  // an escaped quote
                    continue
                }
                if close + 1 < p.count { end = close }  // else: cannot tell yet whether it is `""`
                break
            }
            regions.append((q, end))
            if end == p.count { break }
            searchFrom = end + 1
        }
        var limit = p.count
        var index = regions.count - 1
        while let lineFeed = Self.lastLineFeed(base, before: limit) {
            while index >= 0, regions[index].start > lineFeed { index -= 1 }
            guard index >= 0, regions[index].end > lineFeed else { return lineFeed + 1 }
            limit = regions[index].start
            index -= 1
        }
        return nil
    }

    /// The index just past the first record boundary in `p`, or `nil` when `p` holds no
    /// complete record (used to take a CSV header off the front of a file).
    public func firstBoundary(in p: UnsafeRawBufferPointer) -> Int? {
        guard let base = p.baseAddress else { return nil }
        let quote = UInt8(ascii: "\"")
        var i = 0
        while i < p.count {
            guard let lineFeed = Self.find(0x0A, in: base, from: i, to: p.count) else { return nil }
            guard format == .csv, let q = Self.find(quote, in: base, from: i, to: lineFeed) else { return lineFeed + 1 }
            let previous: UInt8 = q == 0 ? 0x0A : p[q - 1]
            guard previous == delimiter || previous == 0x0A else {
                i = q + 1
                continue
            }
            var j = q + 1
            var closed = false
            while let close = Self.find(quote, in: base, from: j, to: p.count) {
                if close + 1 < p.count, p[close + 1] == quote {
                    j = close + 2
                    continue
                }
                closed = close + 1 < p.count
                j = close + 1
                break
            }
            guard closed else { return nil }
            i = j
        }
        return nil
    }

    /// The number of line feeds in `p` (to keep line numbers across blocks).
    /// Records are tens to hundreds of bytes long, so jumping from line feed to line feed with
    /// `memchr` (vectorised in libc) beats looking at every byte.
    public static func lineFeeds(in p: UnsafeRawBufferPointer) -> Int {
        guard let base = p.baseAddress else { return 0 }
        var count = 0
        var i = 0
        while let next = find(0x0A, in: base, from: i, to: p.count) {
            count += 1
            i = next + 1
        }
        return count
    }

    static func find(_ byte: UInt8, in base: UnsafeRawPointer, from: Int, to: Int) -> Int? {
        guard from < to, let hit = memchr(base + from, Int32(byte), to - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    static func lastLineFeed(_ base: UnsafeRawPointer, before limit: Int) -> Int? {
        // memrchr is a GNU extension Swift does not see; the last line feed is usually near
        // the end, so a backward scan is short.
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var i = limit - 1
        while i >= 0 {
            if bytes[i] == 0x0A { return i }
            i -= 1
        }
        return nil
    }
}
