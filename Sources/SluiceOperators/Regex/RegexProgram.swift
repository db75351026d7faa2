/// One step of a compiled pattern, run by ``PikeVM``. Consuming instructions (`scalar`, `set`,
/// `anyButNewline`, `anyScalar`) move a thread past one scalar and on to the next instruction;
/// the others are followed without consuming anything.
enum RegexInstruction: Sendable, Equatable {
    /// Consumes exactly this scalar.
    case scalar(UInt32)
    /// Consumes a member of the program's set at this index.
    case set(Int)
    /// Consumes any scalar but `\n`.
    case anyButNewline
    /// Consumes any scalar.
    case anyScalar
    /// Continues at both targets, the first with the higher priority.
    case split(Int, Int)
    /// Continues at the target.
    case jump(Int)
    /// Records the current position in capture slot `n` (group `n / 2`, start when even).
    case save(Int)
    /// Continues only where the assertion holds.
    case assertion(RegexAssertion)
    /// The pattern has matched.
    case match
}

/// A compiled pattern: an immutable value, safe to share between threads.
struct RegexProgram: Sendable {
    /// The instructions; execution starts at 0, which saves the start of the match.
    let instructions: [RegexInstruction]
    /// The sets `RegexInstruction.set` refers to.
    let sets: [ScalarSet]
    /// Groups including the whole match (group 0).
    let groupCount: Int
    /// Whether every match must start at the beginning of the text (`^` or `\A` first).
    let anchoredAtStart: Bool
    /// The UTF-8 bytes every match starts with (a literal prefix), possibly none.
    let literalPrefix: [UInt8]
    /// Whether the pattern is nothing but `literalPrefix` (no groups, classes or anchors).
    let isPureLiteral: Bool
    /// The most threads a position can hold: the instructions that consume or match.
    let threadCapacity: Int

    init(instructions: [RegexInstruction], sets: [ScalarSet], groupCount: Int) {
        self.instructions = instructions
        self.sets = sets
        self.groupCount = groupCount
        // Instruction 0 saves the start of the match; the scalars that follow it in a straight
        // line, before any branch, are what every match begins with.
        var pc = 1
        var prefix: [UInt8] = []
        scan: while pc < instructions.count {
            switch instructions[pc] {
            case .scalar(let value):
                guard let scalar = Unicode.Scalar(value) else { break scan }
                prefix.append(contentsOf: String(scalar).utf8)
            case .save:
                break
            default:
                break scan
            }
            pc += 1
        }
        // Without groups the only saves are 0 and 1, so a pure literal stops right at `match`.
        let onlyLiterals = groupCount == 1 && pc == instructions.count - 1 && instructions[pc] == .match
        var first = 1
        while first < instructions.count, case .save = instructions[first] { first += 1 }
        anchoredAtStart = first < instructions.count && instructions[first] == .assertion(.beginText)
        literalPrefix = prefix
        threadCapacity = instructions.count { instruction in
            switch instruction {
            case .scalar, .set, .anyButNewline, .anyScalar, .match: return true
            case .split, .jump, .save, .assertion: return false
            }
        }
        isPureLiteral = onlyLiterals
    }
}
