// Finite State Entropy tables for zstd (RFC 8878 §4.1), written from scratch for Sluice.

/// Reading FSE table descriptions and spreading normalized counts into decoding tables.
enum FSE {
    /// One decoding-table cell: the symbol, and how to reach the next state.
    struct Cell {
        var symbol: UInt8
        var bitCount: UInt8
        var baseline: UInt16
    }

    /// Reads an FSE table description (normalized counts) at the start of `input`.
    /// - Returns: the counts (index = symbol; -1 means "less than 1"), the accuracy log, and
    ///   the bytes the description took.
    static func readCounts(_ input: UnsafeRawBufferPointer, maxSymbol: Int, maxLog: Int, what: String) throws
        -> (counts: [Int16], accuracyLog: Int, size: Int)
    {
        guard !input.isEmpty else { throw CodecError("zstd: \(what): missing FSE table description") }
        var reader = ForwardBitReader(input)
        let accuracyLog = reader.peek(4) + 5
        reader.skip(4)
        guard accuracyLog <= maxLog else {
            throw CodecError("zstd: \(what): FSE accuracy log \(accuracyLog) exceeds \(maxLog)")
        }
        var counts = [Int16](repeating: 0, count: maxSymbol + 1)
        var remaining = (1 << accuracyLog) + 1
        var threshold = 1 << accuracyLog
        var bitCount = accuracyLog + 1
        var symbol = 0
        var previousZero = false
        while remaining > 1 && symbol <= maxSymbol {
            if previousZero {
                var run = symbol
                while reader.peek(2) == 3 {
                    run += 3
                    reader.skip(2)
                    guard run <= maxSymbol, !reader.isPastEnd else {
                        throw CodecError("zstd: \(what): FSE zero-probability run past the last symbol")
                    }
                }
                run += reader.peek(2)
                reader.skip(2)
                guard run <= maxSymbol else { throw CodecError("zstd: \(what): FSE zero-probability run past the last symbol") }
                symbol = run  // the counts in between are already zero
            }
            let maxValue = (2 * threshold - 1) - remaining
            let low = reader.peek(bitCount)
            var count: Int
            if low & (threshold - 1) < maxValue {
                count = low & (threshold - 1)
                reader.skip(bitCount - 1)
            } else {
                count = low & (2 * threshold - 1)
                if count >= threshold { count -= maxValue }
                reader.skip(bitCount)
            }
            count -= 1
            remaining -= abs(count)
            guard remaining >= 1 else { throw CodecError("zstd: \(what): FSE probabilities exceed the table size") }
            counts[symbol] = Int16(count)
            symbol += 1
            previousZero = count == 0
            while remaining < threshold {
                bitCount -= 1
                threshold >>= 1
            }
            guard !reader.isPastEnd else { throw CodecError("zstd: \(what): truncated FSE table description") }
        }
        guard remaining == 1 else { throw CodecError("zstd: \(what): FSE probabilities do not fill the table") }
        guard !reader.isPastEnd else { throw CodecError("zstd: \(what): truncated FSE table description") }
        return (counts, accuracyLog, reader.bytesUsed)
    }

    /// Spreads normalized counts into a decoding table of `1 << accuracyLog` cells.
    static func buildTable(counts: [Int16], accuracyLog: Int, what: String) throws -> [Cell] {
        let size = 1 << accuracyLog
        var cells = [Cell](repeating: Cell(symbol: 0, bitCount: 0, baseline: 0), count: size)
        var next = [Int](repeating: 0, count: counts.count)
        var high = size - 1
        for (symbol, count) in counts.enumerated() where count == -1 {
            cells[high].symbol = UInt8(truncatingIfNeeded: symbol)
            high -= 1
            next[symbol] = 1
        }
        let step = (size >> 1) + (size >> 3) + 3
        let mask = size - 1
        var position = 0
        for (symbol, count) in counts.enumerated() where count > 0 {
            next[symbol] = Int(count)
            for _ in 0..<Int(count) {
                cells[position].symbol = UInt8(truncatingIfNeeded: symbol)
                repeat { position = (position + step) & mask } while position > high
            }
        }
        guard position == 0 else { throw CodecError("zstd: \(what): FSE counts do not fill the table") }
        for i in 0..<size {
            let symbol = Int(cells[i].symbol)
            let state = next[symbol]
            next[symbol] += 1
            let bits = accuracyLog - (Int.bitWidth - 1 - state.leadingZeroBitCount)
            cells[i].bitCount = UInt8(truncatingIfNeeded: bits)
            cells[i].baseline = UInt16(truncatingIfNeeded: (state << bits) - size)
        }
        return cells
    }

    /// Decodes Huffman weights compressed with FSE (RFC 8878 §4.2.1.2): two interleaved
    /// states over one backward bitstream, until the stream is exhausted.
    static func decodeWeights(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        let what = "Huffman weights"
        let (counts, log, used) = try readCounts(input, maxSymbol: 15, maxLog: 6, what: what)
        let cells = try buildTable(counts: counts, accuracyLog: log, what: what)
        guard used < input.count else { throw CodecError("zstd: \(what): no bitstream after the FSE table") }
        var reader = try BackwardBitReader(UnsafeRawBufferPointer(rebasing: input[used...]), what: what)
        let mask = (1 << log) - 1
        var state1 = Int(truncatingIfNeeded: reader.read(log))
        var state2 = Int(truncatingIfNeeded: reader.read(log))
        reader.reload()
        var weights: [UInt8] = []
        weights.reserveCapacity(255)
        while true {
            guard weights.count <= 253 else { throw CodecError("zstd: \(what): more than 255 weights") }
            var cell = cells[state1 & mask]
            weights.append(cell.symbol)
            state1 = Int(cell.baseline) + Int(truncatingIfNeeded: reader.read(Int(cell.bitCount)))
            if reader.reload() == .overflow {
                weights.append(cells[state2 & mask].symbol)
                break
            }
            cell = cells[state2 & mask]
            weights.append(cell.symbol)
            state2 = Int(cell.baseline) + Int(truncatingIfNeeded: reader.read(Int(cell.bitCount)))
            if reader.reload() == .overflow {
                weights.append(cells[state1 & mask].symbol)
                break
            }
        }
        return weights
    }
}
