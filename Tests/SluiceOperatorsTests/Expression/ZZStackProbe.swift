import Foundation
import SluiceCore
import Testing

@testable import SluiceOperators

// TEMPORARY measurement probe; deleted before handing in.
@Suite struct ZZStackProbe {
    @Test func probe() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let shape = env["PROBE_SHAPE"], let n = Int(env["PROBE_DEPTH"] ?? ""), let kb = Int(env["PROBE_STACK_KB"] ?? "") else { return }
        let walk = env["PROBE_WALK"] ?? "all"
        let source: String
        switch shape {
        case "paren": source = String(repeating: "(", count: n) + "x" + String(repeating: ")", count: n)
        case "abs": source = String(repeating: "abs(", count: n) + "x" + String(repeating: ")", count: n)
        case "neg": source = String(repeating: "-", count: n) + "x"
        case "if": source = String(repeating: "if(x > 0, ", count: n) + "x" + String(repeating: ", 0)", count: n)
        case "case": source = String(repeating: "case when x > 0 then ", count: n) + "x" + String(repeating: " else 0 end", count: n)
        case "coalesce": source = String(repeating: "coalesce(null, ", count: n) + "x" + String(repeating: ")", count: n)
        case "mul": source = String(repeating: "x * (", count: n) + "x" + String(repeating: ")", count: n)
        case "cond", "condparse":
            var v: Value = ["field": "x", "operator": "gt", "value": 0]
            for level in 0..<(n - 1) {
                let t: Value = ["field": "x", "operator": "lt", "value": 10]
                switch level % 3 {
                case 0: v = ["and": [v, t]]
                case 1: v = ["or": [t, v]]
                default: v = ["not": v]
                }
            }
            let input = try batch(#"[{"x": 1}]"#)
            let value = v
            let done: Bool = await withCheckedContinuation { continuation in
                let thread = Thread {
                    if shape == "condparse" { _ = try? ConditionSpec(parsing: value, path: "") } else {
                    _ = (try? Condition(parsing: value))?.selectedRows(input) }
                    continuation.resume(returning: true)
                }
                thread.stackSize = kb << 10
                thread.start()
            }
            #expect(done)
            return
        default: return
        }
        let input = try batch(#"[{"x": 1}]"#)
        let done: Bool = await withCheckedContinuation { continuation in
            let thread = Thread {
                if walk == "parse" {
                    _ = try? ExpressionParser.parse(source)
                } else if let e = try? Expression(parsing: source) {
                    if walk == "all" {
                        _ = e.evaluate(input, now: testNow)
                        _ = e.referencedFields
                    }
                }
                continuation.resume(returning: true)
            }
            thread.stackSize = kb << 10
            thread.start()
        }
        #expect(done)
    }
}

@inline(never) func zzBurn(_ n: Int) -> UInt64 {
    var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, UInt64(n))
    var sum: UInt64 = 0
    withUnsafeMutableBytes(of: &block) { raw in for b in raw { sum &+= UInt64(b) } }
    return n == 0 ? sum : sum &+ zzBurn(n - 1)
}

@Suite struct ZZStackSizeProbe {
    @Test func stackSizeOfTaskThreads() async throws {
        guard let n = Int(ProcessInfo.processInfo.environment["BURN"] ?? "") else { return }
        let r = await Task.detached { zzBurn(n) }.value
        print("PROBE ok", n, r)
    }
}
