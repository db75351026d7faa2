/// 10^e as a `Double`, exactly, for the decimal fast paths of the CSV and NDJSON decoders:
/// a decimal of at most 15 digits is its digits as an integer divided once by this, which
/// rounds correctly (Clinger's fast path).
enum ExactPowerOfTen {
    /// 10^e for 1 ≤ e ≤ 15 (1e15 above).
    @inline(__always)
    static func of(_ e: Int) -> Double {
        switch e {
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        default: return 1e15
        }
    }
}
