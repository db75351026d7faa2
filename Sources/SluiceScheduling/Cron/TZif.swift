/// The offsets of one time zone, read from a TZif file (RFC 8536), the format of the tz
/// database under `/usr/share/zoneinfo`.
///
/// Sluice reads the files itself rather than through Foundation's `TimeZone` because on
/// Linux that goes through ICU's own copy of the database, which can be a different
/// release from the system's; reading the same files as python's `zoneinfo` keeps
/// croniter and Sluice on the same rules, and gives every offset change, not only DST ones.
struct TZif: Sendable, Equatable {
    /// Instants (seconds since 1970) at which the offset may change, ascending.
    var times: [Int64]
    /// The offset east of UTC, in seconds, from `times[i]` on.
    var offsets: [Int64]
    /// The offset before the first listed change.
    var initialOffset: Int64
    /// What happens after the last listed change, from the file's footer.
    var rule: PosixTimeZoneRule?

    /// A zone with one offset forever.
    init(fixedOffset: Int64) {
        times = []
        offsets = []
        initialOffset = fixedOffset
        rule = nil
    }

    /// Parses a TZif file; `nil` if it is not one.
    init?(_ bytes: [UInt8]) {
        var reader = Reader(bytes: bytes)
        guard let header = reader.header() else { return nil }
        var block = header
        var timeSize = 4
        if header.version >= 2 {
            // Skip the 32-bit block; the 64-bit one that follows is complete.
            guard reader.skip(header.size(timeSize: 4)), let second = reader.header() else { return nil }
            block = second
            timeSize = 8
        }
        guard let data = reader.block(block, timeSize: timeSize) else { return nil }
        times = data.times
        offsets = data.offsets
        initialOffset = data.initialOffset
        rule = nil
        if header.version >= 2, reader.take(0x0A) {
            let footer = reader.rest().prefix { $0 != 0x0A }
            if !footer.isEmpty {
                guard let parsed = PosixTimeZoneRule(Substring(decoding: footer, as: UTF8.self)) else { return nil }
                rule = parsed
            }
        }
    }

    /// The offset east of UTC in force at `instant`.
    func offset(at instant: Int64) -> Int64 {
        guard let last = times.last, instant < last || rule == nil else {
            return rule?.offset(at: instant) ?? offsets.last ?? initialOffset
        }
        let index = times.partitionPoint { $0 > instant } - 1
        return index < 0 ? initialOffset : offsets[index]
    }

    /// The first change strictly after `instant`.
    func change(after instant: Int64) -> UTCOffsetChange? {
        let index = times.partitionPoint { $0 > instant }
        if index < times.count { return listedChange(index) }
        let floor = times.last ?? Int64.min
        return rule?.changes(around: max(instant, floor)).first { $0.at > instant && $0.at > floor }
    }

    /// The last change at or before `instant`.
    func change(atOrBefore instant: Int64) -> UTCOffsetChange? {
        let index = times.partitionPoint { $0 > instant } - 1
        if index == times.count - 1, let rule {
            let floor = times.last ?? Int64.min
            if let derived = rule.changes(around: instant).last(where: { $0.at <= instant && $0.at > floor }) {
                return derived
            }
        }
        return index < 0 ? nil : listedChange(index)
    }

    private func listedChange(_ index: Int) -> UTCOffsetChange {
        UTCOffsetChange(at: times[index], before: index == 0 ? initialOffset : offsets[index - 1], after: offsets[index])
    }

    /// The counts in a TZif header.
    private struct Header {
        var version: Int
        var isUTCCount, isStandardCount, leapCount, timeCount, typeCount, charCount: Int

        func size(timeSize: Int) -> Int {
            timeCount * (timeSize + 1) + typeCount * 6 + charCount + leapCount * (timeSize + 4) + isStandardCount
                + isUTCCount
        }
    }

    /// A bounds-checked cursor over the file's bytes.
    private struct Reader {
        var bytes: [UInt8]
        var position = 0

        mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        mutating func skip(_ count: Int) -> Bool {
            guard count >= 0, bytes.count - position >= count else { return false }
            position += count
            return true
        }

        func rest() -> ArraySlice<UInt8> { bytes[min(position, bytes.count)...] }

        mutating func integer(size: Int) -> Int64? {
            guard bytes.count - position >= size else { return nil }
            var value: UInt64 = 0
            for byte in bytes[position..<position + size] { value = value << 8 | UInt64(byte) }
            position += size
            // Sign-extend from `size` bytes.
            let shift = UInt64(64 - size * 8)
            return Int64(bitPattern: value << shift) >> Int64(shift)
        }

        mutating func header() -> Header? {
            guard bytes.count - position >= 44, Array(bytes[position..<position + 4]) == Array("TZif".utf8) else {
                return nil
            }
            let versionByte = bytes[position + 4]
            position += 20
            var counts: [Int] = []
            for _ in 0..<6 {
                guard let count = integer(size: 4), (0...1_000_000).contains(count) else { return nil }
                counts.append(Int(count))
            }
            return Header(
                version: versionByte == 0 ? 1 : Int(versionByte) - 0x30, isUTCCount: counts[0],
                isStandardCount: counts[1], leapCount: counts[2], timeCount: counts[3], typeCount: counts[4],
                charCount: counts[5])
        }

        mutating func block(_ header: Header, timeSize: Int) -> (times: [Int64], offsets: [Int64], initialOffset: Int64)? {
            guard header.typeCount > 0, bytes.count - position >= header.size(timeSize: timeSize) else { return nil }
            var times: [Int64] = []
            for _ in 0..<header.timeCount {
                guard let time = integer(size: timeSize) else { return nil }
                times.append(time)
            }
            var typeIndices: [Int] = []
            for _ in 0..<header.timeCount {
                guard let index = integer(size: 1) else { return nil }
                typeIndices.append(Int(UInt8(truncatingIfNeeded: index)))
            }
            var typeOffsets: [Int64] = []
            for _ in 0..<header.typeCount {
                guard let offset = integer(size: 4), skip(2) else { return nil }
                typeOffsets.append(offset)
            }
            guard typeIndices.allSatisfy({ $0 < typeOffsets.count }), zip(times, times.dropFirst()).allSatisfy({ $0 < $1 })
            else { return nil }
            guard skip(header.charCount + header.leapCount * (timeSize + 4) + header.isStandardCount + header.isUTCCount)
            else { return nil }
            return (times, typeIndices.map { typeOffsets[$0] }, typeOffsets[0])
        }
    }
}

extension Array {
    /// The index of the first element for which `isAbove` holds, given that it holds for a
    /// suffix of the array (binary search).
    fileprivate func partitionPoint(_ isAbove: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if isAbove(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
