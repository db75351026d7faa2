/// Turns a ``RegexTree`` into a ``RegexProgram`` (Thompson's construction, laid out so each
/// piece falls through to the next).
///
/// The tree is walked with an explicit stack of tasks, never by recursion. Counted repetitions
/// are expanded (`x{2,4}` is `xx(?:x(?:x)?)?`), so the program size is bounded before any code
/// is emitted: a pattern whose program would be larger than ``maxCost`` is refused.
struct RegexCompiler {
    /// The most work (instructions plus tree nodes visited) a pattern may take to compile.
    static let maxCost = 200_000

    /// The unit of work of the walk, run in stack order.
    private enum Task {
        /// Emits the code of a node.
        case node(Int)
        /// Emits one instruction.
        case emit(RegexInstruction)
        /// Starts an alternative that has a later one: a split to it or to the next alternative.
        case beginAlternative(Int)
        /// Ends such an alternative: a jump past the alternation, and points the split at here.
        case endAlternative(Int)
        /// Points the jumps past the alternation at here.
        case finishAlternation(Int)
        /// A split that may skip to the end of the optional group (patched later).
        case beginOptional(Int, greedy: Bool)
        /// Points the optional group's skips at here.
        case finishOptional(Int)
        /// Remembers where a loop body starts.
        case beginLoop(Int)
        /// A split back to the loop's start or on.
        case endLoop(Int, greedy: Bool)
    }

    /// Placeholder target of a split or jump that is patched later.
    private static let unresolved = -1

    private let tree: RegexTree
    private var instructions: [RegexInstruction] = []
    private var sets: [ScalarSet] = []
    /// Per alternation: its open split and its jumps past the end.
    private var alternations: [(split: Int, jumps: [Int])] = []
    /// Per optional group: its skip splits.
    private var optionals: [[Int]] = []
    /// Per loop: where its body starts.
    private var loops: [Int] = []

    private init(_ tree: RegexTree) {
        self.tree = tree
    }

    /// The program of `tree`; throws when it would be too large.
    static func compile(_ tree: RegexTree) throws(RegexSyntaxError) -> RegexProgram {
        let cost = estimatedCost(tree)
        guard cost <= maxCost else {
            throw RegexSyntaxError(
                "pattern too large: it would compile to more than \(maxCost) instructions (nested repetition counts multiply)")
        }
        var compiler = RegexCompiler(tree)
        compiler.instructions.reserveCapacity(cost)
        compiler.run()
        return RegexProgram(instructions: compiler.instructions, sets: compiler.sets, groupCount: tree.captureCount + 1)
    }

    /// An upper bound of the instructions and tasks of each node, children first, so one pass
    /// over the flat node array suffices. Saturates instead of overflowing.
    private static func estimatedCost(_ tree: RegexTree) -> Int {
        var cost = [Int](repeating: 0, count: tree.nodes.count)
        for (index, node) in tree.nodes.enumerated() {
            switch node {
            case .empty, .scalar, .scalarSet, .anyButNewline, .anyScalar, .assertion:
                cost[index] = 2
            case .capture(_, let child):
                cost[index] = cost[child].addingSaturated(4)
            case .concatenation(let items):
                cost[index] = items.reduce(1) { $0.addingSaturated(cost[$1]) }
            case .alternation(let branches):
                cost[index] = branches.reduce(1) { $0.addingSaturated(cost[$1].addingSaturated(4)) }
            case .repetition(let child, let min, let max, _):
                let copies = Swift.max(min, max ?? min, 1)
                cost[index] = cost[child].addingSaturated(4).multipliedSaturated(copies).addingSaturated(4)
            }
        }
        return (cost.last ?? 0).addingSaturated(3)
    }

    private mutating func run() {
        instructions.append(.save(0))
        var tasks: [Task] = [.node(tree.root)]
        while let task = tasks.popLast() {
            switch task {
            case .node(let index):
                emitNode(index, &tasks)
            case .emit(let instruction):
                instructions.append(instruction)
            case .beginAlternative(let id):
                alternations[id].split = instructions.count
                instructions.append(.split(instructions.count + 1, Self.unresolved))
            case .endAlternative(let id):
                alternations[id].jumps.append(instructions.count)
                instructions.append(.jump(Self.unresolved))
                patch(alternations[id].split, to: instructions.count)
            case .finishAlternation(let id):
                for jump in alternations[id].jumps { patch(jump, to: instructions.count) }
            case .beginOptional(let id, let greedy):
                optionals[id].append(instructions.count)
                let body = instructions.count + 1
                instructions.append(greedy ? .split(body, Self.unresolved) : .split(Self.unresolved, body))
            case .finishOptional(let id):
                for split in optionals[id] { patch(split, to: instructions.count) }
            case .beginLoop(let id):
                loops[id] = instructions.count
            case .endLoop(let id, let greedy):
                let next = instructions.count + 1
                instructions.append(greedy ? .split(loops[id], next) : .split(next, loops[id]))
            }
        }
        instructions.append(.save(1))
        instructions.append(.match)
    }

    /// Emits what a node starts with and pushes the rest of its work (in reverse, since the
    /// stack runs the last task pushed first).
    private mutating func emitNode(_ index: Int, _ tasks: inout [Task]) {
        var then: [Task] = []
        switch tree.nodes[index] {
        case .empty:
            break
        case .scalar(let scalar):
            instructions.append(.scalar(scalar))
        case .scalarSet(let set):
            if let only = set.singleScalar {
                instructions.append(.scalar(only))
            } else if set.ranges == [0...ScalarSet.maxScalar] {
                instructions.append(.anyScalar)
            } else {
                sets.append(set)
                instructions.append(.set(sets.count - 1))
            }
        case .anyButNewline:
            instructions.append(.anyButNewline)
        case .anyScalar:
            instructions.append(.anyScalar)
        case .assertion(let assertion):
            instructions.append(.assertion(assertion))
        case .capture(let group, let child):
            instructions.append(.save(2 * group))
            then = [.node(child), .emit(.save(2 * group + 1))]
        case .concatenation(let items):
            then = items.map(Task.node)
        case .alternation(let branches):
            let id = alternations.count
            alternations.append((Self.unresolved, []))
            for branch in branches.dropLast() {
                then += [.beginAlternative(id), .node(branch), .endAlternative(id)]
            }
            if let last = branches.last { then += [.node(last), .finishAlternation(id)] }
        case .repetition(let child, let min, let max, let greedy):
            then = repetitionTasks(child, min: min, max: max, greedy: greedy)
        }
        tasks.append(contentsOf: then.reversed())
    }

    /// `x{min,max}` as tasks: `min` copies, then either a loop (`x+`, or `(?:x+)?` for `x*`,
    /// which keeps an empty iteration from ending the loop early) or nested optional copies.
    private mutating func repetitionTasks(_ child: Int, min: Int, max: Int?, greedy: Bool) -> [Task] {
        var tasks: [Task] = []
        guard let max else {
            let loop = loops.count
            loops.append(0)
            if min == 0 {
                let optional = optionals.count
                optionals.append([])
                return [.beginOptional(optional, greedy: greedy), .beginLoop(loop), .node(child), .endLoop(loop, greedy: greedy),
                        .finishOptional(optional)]
            }
            tasks += Array(repeating: Task.node(child), count: min - 1)
            return tasks + [.beginLoop(loop), .node(child), .endLoop(loop, greedy: greedy)]
        }
        tasks += Array(repeating: Task.node(child), count: min)
        if max > min {
            let optional = optionals.count
            optionals.append([])
            for _ in min..<max { tasks += [.beginOptional(optional, greedy: greedy), .node(child)] }
            tasks.append(.finishOptional(optional))
        }
        return tasks
    }

    /// Points the unresolved target of the split or jump at `pc` to `target`.
    private mutating func patch(_ pc: Int, to target: Int) {
        switch instructions[pc] {
        case .split(let first, let second):
            instructions[pc] = first == Self.unresolved ? .split(target, second) : .split(first, target)
        case .jump:
            instructions[pc] = .jump(target)
        default:
            break
        }
    }
}

extension Int {
    /// `self + other`, or `Int.max` on overflow.
    fileprivate func addingSaturated(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// `self * other`, or `Int.max` on overflow.
    fileprivate func multipliedSaturated(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
