// FSE encoding tables for zstd compression (RFC 8878 §4.1), written from scratch for Sluice.

/// An FSE encoding table built from normalized counts.
struct FSEEncodingTable: Sendable {
    let log: Int
    /// Next states, indexed by `(state >> bits) + deltaFindState[symbol]`.
    private let states: [UInt16]
    private let deltaBits: [Int]
    private let deltaFindState: [Int]

    init(counts: [Int16], log: Int) {
        self.log = log
        let size = 1 << log
        var symbols = [Int](repeating: 0, count: size)
        var high = size - 1
        var cumulative = [Int](repeating: 0, count: counts.count + 1)
        for (symbol, count) in counts.enumerated() {
            if count == -1 {
                cumulative[symbol + 1] = cumulative[symbol] + 1
                symbols[high] = symbol
                high -= 1
            } else {
                cumulative[symbol + 1] = cumulative[symbol] + max(0, Int(count))
            }
        }
        let step = (size >> 1) + (size >> 3) + 3
        var position = 0
        for (symbol, count) in counts.enumerated() where count > 0 {
            for _ in 0..<Int(count) {
                symbols[position] = symbol
                repeat { position = (position + step) & (size - 1) } while position > high
            }
        }
        var states = [UInt16](repeating: 0, count: size)
        for u in 0..<size {
            let symbol = symbols[u]
            states[cumulative[symbol]] = UInt16(truncatingIfNeeded: size + u)
            cumulative[symbol] += 1
        }
        var deltaBits = [Int](repeating: 0, count: counts.count)
        var deltaFindState = [Int](repeating: 0, count: counts.count)
        var total = 0
        for (symbol, count) in counts.enumerated() {
            switch count {
            case 0:
                deltaBits[symbol] = ((log + 1) << 16) - size
            case -1, 1:
                deltaBits[symbol] = (log << 16) - size
                deltaFindState[symbol] = total - 1
                total += 1
            default:
                let c = Int(count)
                let maxBitsOut = log - (Int.bitWidth - 1 - (c - 1).leadingZeroBitCount)
                deltaBits[symbol] = (maxBitsOut << 16) - (c << maxBitsOut)
                deltaFindState[symbol] = total - c
                total += c
            }
        }
        self.states = states
        self.deltaBits = deltaBits
        self.deltaFindState = deltaFindState
    }

    /// The first state, for the first symbol encoded (the last one decoded).
    @inline(__always)
    func initialState(_ symbol: Int) -> Int {
        let bits = (deltaBits[symbol] + (1 << 15)) >> 16
        let value = (bits << 16) - deltaBits[symbol]
        return Int(states[(value >> bits) + deltaFindState[symbol]])
    }

    /// Encodes `symbol` from `state`, writing the state's low bits.
    @inline(__always)
    func encode(_ symbol: Int, state: inout Int, into writer: inout ForwardBitWriter) {
        let bits = (state + deltaBits[symbol]) >> 16
        writer.add(state, bits: bits)
        state = Int(states[(state >> bits) + deltaFindState[symbol]])
    }

    /// Writes the final state.
    func flush(_ state: Int, into writer: inout ForwardBitWriter) {
        writer.add(state, bits: log)
    }
}
