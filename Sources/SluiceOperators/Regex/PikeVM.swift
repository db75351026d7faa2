/// Runs a ``RegexProgram`` over UTF-8 text: Thompson's NFA simulation with Pike's thread
/// priorities and capture slots.
///
/// Every thread of the current position sits in a list, in priority order, at most once per
/// instruction; the text is read once, left to right, one scalar at a time. So a search takes
/// time proportional to the text length times the program size, whatever the pattern, and
/// memory proportional to the program size (times the number of groups recorded, which the
/// expression functions keep to ten), allocated once per search. The first thread (in
/// priority order) to reach `match` wins, and the threads after it are dropped, which gives
/// the leftmost-first (Perl, RE2) match and groups. Positions are scalar boundaries, so
/// `\B` never matches inside a multi-byte character (RE2 would, between its bytes).
enum PikeVM {
    /// A scalar value that is no scalar: the "character" before the start and after the end.
    private static let none = UInt32.max
    /// The marker of an "explore" entry on the follow stack (restores carry a slot instead).
    private static let explore = Int.min

    /// The threads at one position, in memory allocated once per search: a sparse set of the
    /// instructions visited, and the threads (instructions that consume or match) in priority
    /// order, each with its row of capture slots.
    private struct ThreadList {
        let sparse: UnsafeMutablePointer<Int>
        let visited: UnsafeMutablePointer<Int>
        let threads: UnsafeMutablePointer<Int>
        let slots: UnsafeMutablePointer<Int>
        var visitedCount = 0
        var threadCount = 0

        @inline(__always)
        func contains(_ pc: Int) -> Bool {
            let index = sparse[pc]
            return index >= 0 && index < visitedCount && visited[index] == pc
        }

        @inline(__always)
        mutating func insert(_ pc: Int) {
            sparse[pc] = visitedCount
            visited[visitedCount] = pc
            visitedCount += 1
        }

        mutating func removeAll() {
            visitedCount = 0
            threadCount = 0
        }
    }

    /// The program and the scratch memory of one search.
    private struct Machine {
        let code: UnsafeBufferPointer<RegexInstruction>
        let sets: UnsafeBufferPointer<ScalarSet>
        let slotCount: Int
        /// Pairs: (`explore`, pc) or (slot, value to restore).
        let stack: UnsafeMutablePointer<Int>
        /// The capture slots of the thread being followed.
        let scratch: UnsafeMutablePointer<Int>

        /// Adds the threads reached from `start` without consuming anything to `list`, in
        /// priority order, each with the capture slots of `scratch` as updated on its way.
        func follow(into list: inout ThreadList, from start: Int, at position: Int, context: UInt8) {
            var depth = 0
            @inline(__always) func push(_ tag: Int, _ value: Int) {
                stack[2 * depth] = tag
                stack[2 * depth + 1] = value
                depth += 1
            }
            push(PikeVM.explore, start)
            while depth > 0 {
                depth -= 1
                let tag = stack[2 * depth]
                let value = stack[2 * depth + 1]
                guard tag == PikeVM.explore else {
                    scratch[tag] = value
                    continue
                }
                let pc = value
                if list.contains(pc) { continue }
                list.insert(pc)
                switch code[pc] {
                case .jump(let target):
                    push(PikeVM.explore, target)
                case .split(let first, let second):
                    push(PikeVM.explore, second)
                    push(PikeVM.explore, first)
                case .save(let slot):
                    if slot < slotCount {
                        push(slot, scratch[slot])
                        scratch[slot] = position
                    }
                    push(PikeVM.explore, pc + 1)
                case .assertion(let assertion):
                    if context & (1 << assertion.rawValue) != 0 { push(PikeVM.explore, pc + 1) }
                case .scalar, .set, .anyButNewline, .anyScalar, .match:
                    list.threads[list.threadCount] = pc
                    let row = list.slots + list.threadCount * slotCount
                    for slot in 0..<slotCount { row[slot] = scratch[slot] }
                    list.threadCount += 1
                }
            }
        }
    }

    /// The capture slots of the leftmost-first match of `program` starting at or after byte
    /// `start` of `text`, or `nil` when there is none. Slots `2g` and `2g + 1` bound group `g`
    /// (-1 when it took no part) for the first `groupLimit` groups; with a `groupLimit` of 0
    /// only whether there is a match is found out, and an empty array means there is one.
    static func search(_ program: RegexProgram, in text: UnsafeBufferPointer<UInt8>, from start: Int, groupLimit: Int) -> [Int]? {
        guard start >= 0, start <= text.count else { return nil }
        if program.anchoredAtStart, start > 0 { return nil }
        let slotCount = 2 * Swift.min(Swift.max(groupLimit, 0), program.groupCount)
        let size = program.instructions.count
        let threadCapacity = program.threadCapacity
        // Per list: sparse and visited (one per instruction), threads and their slot rows.
        let listSize = 2 * size + threadCapacity * (1 + slotCount)
        // The follow stack: each instruction pushes at most two pairs.
        let stackSize = 4 * size + 2
        let total = 2 * listSize + stackSize + slotCount
        return program.instructions.withUnsafeBufferPointer { code in
            program.sets.withUnsafeBufferPointer { sets in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: total) { memory -> [Int]? in
                    guard let base = memory.baseAddress else { return nil }
                    memory.initialize(repeating: 0)
                    defer { memory.deinitialize() }
                    func list(at offset: Int) -> ThreadList {
                        let origin = base + offset
                        return ThreadList(
                            sparse: origin, visited: origin + size, threads: origin + 2 * size, slots: origin + 2 * size + threadCapacity)
                    }
                    let machine = Machine(
                        code: code, sets: sets, slotCount: slotCount, stack: base + 2 * listSize, scratch: base + 2 * listSize + stackSize)
                    return run(machine, program: program, text: text, start: start, current: list(at: 0), next: list(at: listSize))
                }
            }
        }
    }

    private static func run(
        _ machine: Machine, program: RegexProgram, text: UnsafeBufferPointer<UInt8>, start: Int, current: ThreadList, next: ThreadList
    ) -> [Int]? {
        var current = current
        var next = next
        let slotCount = machine.slotCount
        let code = machine.code
        let end = text.count
        var matched: [Int]?
        var position = start
        var previous = position > 0 ? scalar(before: position, in: text) : none
        var (scalar, length) = Self.scalar(at: position, in: text)
        while true {
            if matched == nil, !program.anchoredAtStart || position == 0 {
                if current.threadCount == 0, !program.literalPrefix.isEmpty {
                    // Nothing is running: jump to where the literal prefix occurs next.
                    guard let found = find(program.literalPrefix, in: text, from: position) else { break }
                    if found != position {
                        current.removeAll()
                        position = found
                        previous = Self.scalar(before: position, in: text)
                        (scalar, length) = Self.scalar(at: position, in: text)
                    }
                }
                for slot in 0..<slotCount { machine.scratch[slot] = -1 }
                machine.follow(into: &current, from: 0, at: position, context: context(previous, scalar))
            }
            // With no thread left, only new starts could match: none come after a match or
            // past the start of an anchored pattern.
            if current.threadCount == 0, matched != nil || program.anchoredAtStart { break }
            let nextPosition = position + length
            let (nextScalar, nextLength) = Self.scalar(at: nextPosition, in: text)
            let nextContext = context(scalar, nextScalar)
            next.removeAll()
            threads: for thread in 0..<current.threadCount {
                let pc = current.threads[thread]
                let consumed: Bool
                switch code[pc] {
                case .match:
                    if slotCount == 0 { return [] }
                    let row = current.slots + thread * slotCount
                    matched = Array(UnsafeBufferPointer(start: row, count: slotCount))
                    // Lower-priority threads can only give a less preferred match.
                    break threads
                case .scalar(let expected):
                    consumed = scalar == expected
                case .set(let index):
                    consumed = scalar != none && machine.sets[index].contains(scalar)
                case .anyButNewline:
                    consumed = scalar != none && scalar != 0x0A
                case .anyScalar:
                    consumed = scalar != none
                case .split, .jump, .save, .assertion:
                    consumed = false
                }
                guard consumed else { continue }
                let row = current.slots + thread * slotCount
                for slot in 0..<slotCount { machine.scratch[slot] = row[slot] }
                machine.follow(into: &next, from: pc + 1, at: nextPosition, context: nextContext)
            }
            if position >= end { break }
            swap(&current, &next)
            position = nextPosition
            previous = scalar
            scalar = nextScalar
            length = nextLength
        }
        return matched
    }

    // MARK: - Text

    /// The assertions that hold between `before` and `after` (``none`` at the text's ends),
    /// as bits indexed by ``RegexAssertion/rawValue``.
    @inline(__always)
    private static func context(_ before: UInt32, _ after: UInt32) -> UInt8 {
        var bits: UInt8 = 0
        if before == none { bits |= 1 << RegexAssertion.beginText.rawValue }
        if after == none { bits |= 1 << RegexAssertion.endText.rawValue }
        if before == none || before == 0x0A { bits |= 1 << RegexAssertion.beginLine.rawValue }
        if after == none || after == 0x0A { bits |= 1 << RegexAssertion.endLine.rawValue }
        let boundary = (before != none && ClassNames.isWord(before)) != (after != none && ClassNames.isWord(after))
        bits |= 1 << (boundary ? RegexAssertion.wordBoundary : RegexAssertion.notWordBoundary).rawValue
        return bits
    }

    /// The scalar starting at byte `index` and its length in bytes; ``none`` at the end.
    /// The text is a Swift string's UTF-8, so it is well formed.
    @inline(__always)
    static func scalar(at index: Int, in text: UnsafeBufferPointer<UInt8>) -> (UInt32, Int) {
        guard index < text.count else { return (none, 0) }
        let lead = UInt32(text[index])
        if lead < 0x80 { return (lead, 1) }
        let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard index + length <= text.count else { return (0xFFFD, 1) }
        var value = lead & (lead < 0xE0 ? 0x1F : lead < 0xF0 ? 0x0F : 0x07)
        for offset in 1..<length { value = value << 6 | UInt32(text[index + offset]) & 0x3F }
        return (value, length)
    }

    /// The scalar that ends just before byte `index` (which is above 0).
    static func scalar(before index: Int, in text: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var start = index - 1
        while start > 0, text[start] & 0xC0 == 0x80 { start -= 1 }
        return scalar(at: start, in: text).0
    }

    /// The first offset at or after `start` where `needle` (not empty) occurs.
    static func find(_ needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let first = needle.first, text.count - needle.count >= start else { return nil }
        var index = start
        let last = text.count - needle.count
        while index <= last {
            if text[index] == first {
                var offset = 1
                while offset < needle.count, text[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}
