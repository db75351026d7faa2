/// Finds where one element of a JSON array ends in bytes that arrive piece by piece, so an
/// element cut by a chunk boundary is completed without rescanning it. It tracks only
/// nesting and strings; the element's syntax is checked when it is parsed whole.
struct JSONElementBoundary: Sendable {
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var started = false
    private var scalar = false

    /// The index in `p` just past the element (a scalar ends before the delimiter that
    /// follows it), or `nil` when `p` ends first; the state carries into the next call.
    mutating func findEnd(_ p: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        let n = p.count
        if !started, n > 0 {
            started = true
            switch p[0] {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth = 1
            default: scalar = true
            }
            i = 1
        }
        while i < n {
            let b = p[i]
            if inString {
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return i + 1 }
                }
            } else if scalar {
                switch b {
                case 0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): return i
                default: break
                }
            } else {
                switch b {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
            }
            i += 1
        }
        return nil
    }
}
