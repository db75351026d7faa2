/// Parses the RE2 syntax Sluice supports into a ``RegexTree``.
///
/// The parser is a loop over the pattern's scalars with an explicit stack of open groups, so
/// no input can make it recurse; nesting deeper than ``maxNesting`` and patterns longer than
/// ``maxPatternBytes`` are refused. Flags (`(?i)` and friends) are applied as nodes are made.
struct RegexParser {
    /// The longest pattern accepted, in UTF-8 bytes.
    static let maxPatternBytes = 65_536
    /// The deepest nesting of groups accepted.
    static let maxNesting = 1_000
    /// The largest count of a `{n,m}` repetition (RE2's limit).
    static let maxRepeat = 1_000

    /// An open group, or the pattern itself at the bottom of the stack.
    private struct Frame {
        /// The capture index of a capturing group; `nil` for `(?:...)` and the whole pattern.
        var captureIndex: Int?
        /// Where the group's `(` is (1-based), for the error when it is never closed.
        var openPosition: Int
        /// The flags in force before the group, restored at its `)`.
        var savedFlags: RegexFlags
        /// The finished alternatives before the current one.
        var branches: [Int] = []
        /// The items of the current alternative so far.
        var items: [Int] = []
        /// Whether the last item is a repetition (`a**` is refused, as in RE2 and Perl).
        var lastIsRepetition = false
    }

    /// What an escape sequence stands for.
    private enum Escape {
        case scalar(UInt32)
        case set(ScalarSet)
        case assertion(RegexAssertion)
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var flags = RegexFlags()
    private var tree = RegexTree()
    private var frames: [Frame]

    private init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
        frames = [Frame(captureIndex: nil, openPosition: 0, savedFlags: RegexFlags())]
    }

    /// The tree of `pattern`; throws the first problem found, with its position.
    static func parse(_ pattern: String) throws(RegexSyntaxError) -> RegexTree {
        let length = pattern.utf8.count
        guard length <= maxPatternBytes else {
            throw RegexSyntaxError("pattern too long: \(length) bytes (the limit is \(maxPatternBytes))")
        }
        var parser = RegexParser(pattern)
        return try parser.run()
    }

    // MARK: - The main loop

    private mutating func run() throws(RegexSyntaxError) -> RegexTree {
        while index < scalars.count {
            let c = scalars[index]
            let position = index + 1
            switch c {
            case "(":
                try openGroup()
            case ")":
                try closeGroup(at: position)
            case "|":
                index += 1
                let branch = finishBranch()
                frames[frames.count - 1].branches.append(branch)
            case "*":
                index += 1
                try repeatLast(min: 0, max: nil, operatorText: "*", at: position)
            case "+":
                index += 1
                try repeatLast(min: 1, max: nil, operatorText: "+", at: position)
            case "?":
                index += 1
                try repeatLast(min: 0, max: 1, operatorText: "?", at: position)
            case "{":
                if let (min, max, text) = try braceRepetition() {
                    try repeatLast(min: min, max: max, operatorText: text, at: position)
                } else {
                    index += 1
                    appendLiteral(c.value)
                }
            case "^":
                index += 1
                append(.assertion(flags.multiLine ? .beginLine : .beginText))
            case "$":
                index += 1
                append(.assertion(flags.multiLine ? .endLine : .endText))
            case ".":
                index += 1
                append(flags.dotMatchesNewline ? .anyScalar : .anyButNewline)
            case "[":
                let set = try characterClass()
                append(set.singleScalar.map(RegexNode.scalar) ?? .scalarSet(set))
            case "\\":
                try escapeOutsideClass()
            default:
                index += 1
                appendLiteral(c.value)
            }
        }
        guard frames.count == 1, let whole = frames.last else {
            let open = frames[frames.count - 1].openPosition
            throw RegexSyntaxError("missing ')' to close the '(' at position \(open)", at: open)
        }
        let root = finishAlternation(whole.branches, finishBranch())
        tree.root = root
        return tree
    }

    // MARK: - Building nodes

    private mutating func append(_ node: RegexNode) {
        let item = tree.add(node)
        frames[frames.count - 1].items.append(item)
        frames[frames.count - 1].lastIsRepetition = false
    }

    /// A literal scalar, folded to its case equivalents under `(?i)`.
    private mutating func appendLiteral(_ scalar: UInt32) {
        if flags.caseInsensitive {
            let orbit = CaseFolding.orbit(of: scalar)
            if orbit.count > 1 {
                append(.scalarSet(ScalarSet(orbit.map { $0...$0 })))
                return
            }
        }
        append(.scalar(scalar))
    }

    /// The current alternative as one node; clears it.
    private mutating func finishBranch() -> Int {
        let top = frames.count - 1
        let items = frames[top].items
        frames[top].items = []
        frames[top].lastIsRepetition = false
        switch items.count {
        case 0: return tree.add(.empty)
        case 1: return items[0]
        default: return tree.add(.concatenation(items))
        }
    }

    private mutating func finishAlternation(_ branches: [Int], _ last: Int) -> Int {
        branches.isEmpty ? last : tree.add(.alternation(branches + [last]))
    }

    // MARK: - Repetition

    /// Wraps the last item in a repetition, reading a following `?` (lazy) first.
    private mutating func repeatLast(min: Int, max: Int?, operatorText: String, at position: Int) throws(RegexSyntaxError) {
        var greedy = true
        var text = operatorText
        if index < scalars.count, scalars[index] == "?" {
            greedy = false
            text += "?"
            index += 1
        } else if index < scalars.count, scalars[index] == "+" {
            throw RegexSyntaxError(
                "possessive quantifiers (\(operatorText)+) are not supported: Sluice uses a linear-time engine (at position \(position))",
                at: position)
        }
        if flags.ungreedy { greedy.toggle() }
        let top = frames.count - 1
        guard let last = frames[top].items.last else {
            throw RegexSyntaxError("missing argument to repetition operator \(text) at position \(position)", at: position)
        }
        guard !frames[top].lastIsRepetition else {
            throw RegexSyntaxError(
                "repetition operator \(text) at position \(position) follows another repetition; group the first one, as in (?:a*)\(text)",
                at: position)
        }
        let node = tree.add(.repetition(child: last, min: min, max: max, greedy: greedy))
        frames[top].items[frames[top].items.count - 1] = node
        frames[top].lastIsRepetition = true
    }

    /// Reads `{n}`, `{n,}` or `{n,m}` at the current `{`; `nil` (reading nothing) when the
    /// text there is not one, and `{` is then a literal, as in RE2.
    private mutating func braceRepetition() throws(RegexSyntaxError) -> (Int, Int?, String)? {
        let start = index
        var cursor = index + 1
        func number() -> (value: Int, digits: Int) {
            var value = 0
            var digits = 0
            while cursor < scalars.count, let digit = asciiDigit(scalars[cursor]) {
                // Past seven digits the count is over the limit anyway; stop growing it.
                if digits < 7 { value = value * 10 + digit }
                digits += 1
                cursor += 1
            }
            return (digits > 7 ? Int.max : value, digits)
        }
        let (min, minDigits) = number()
        guard minDigits > 0, cursor < scalars.count else { return nil }
        var max: Int? = min
        if scalars[cursor] == "," {
            cursor += 1
            let (upper, upperDigits) = number()
            max = upperDigits > 0 ? upper : nil
        }
        guard cursor < scalars.count, scalars[cursor] == "}" else { return nil }
        cursor += 1
        let text = String(String.UnicodeScalarView(scalars[start..<cursor]))
        index = cursor
        let position = start + 1
        if min > Self.maxRepeat || (max ?? 0) > Self.maxRepeat {
            throw RegexSyntaxError(
                "repetition count in \(text) at position \(position) is over the limit of \(Self.maxRepeat)", at: position)
        }
        if let max, max < min {
            throw RegexSyntaxError("invalid repetition \(text) at position \(position): the minimum is larger than the maximum", at: position)
        }
        return (min, max, text)
    }

    private func asciiDigit(_ c: Unicode.Scalar) -> Int? {
        c.value >= 0x30 && c.value <= 0x39 ? Int(c.value - 0x30) : nil
    }

    // MARK: - Groups

    private mutating func openGroup() throws(RegexSyntaxError) {
        let position = index + 1
        guard frames.count <= Self.maxNesting else {
            throw RegexSyntaxError("groups nested too deeply at position \(position) (the limit is \(Self.maxNesting))", at: position)
        }
        index += 1
        guard index < scalars.count, scalars[index] == "?" else {
            pushCapture(name: nil, at: position)
            return
        }
        index += 1
        let next = index < scalars.count ? scalars[index] : nil
        let afterNext = index + 1 < scalars.count ? scalars[index + 1] : nil
        switch (next, afterNext) {
        case (":", _):
            index += 1
            frames.append(Frame(captureIndex: nil, openPosition: position, savedFlags: flags))
        case ("P", "<"):
            index += 2
            pushCapture(name: try groupName(at: position), at: position)
        case ("<", "="), ("<", "!"):
            let negative = afterNext == "!"
            throw unsupported(negative ? "negative lookbehind (?<!...)" : "lookbehind (?<=...)", at: position)
        case ("<", _):
            index += 1
            pushCapture(name: try groupName(at: position), at: position)
        case ("=", _):
            throw unsupported("lookahead (?=...)", at: position)
        case ("!", _):
            throw unsupported("negative lookahead (?!...)", at: position)
        case ("P", "="):
            throw unsupported("backreferences (?P=name)", plural: true, at: position)
        case ("P", ">"), ("R", _), ("&", _):
            throw unsupported("recursion", at: position)
        case (">", _):
            throw unsupported("atomic groups (?>...)", plural: true, at: position)
        case ("(", _):
            throw unsupported("conditionals (?(...)...)", plural: true, at: position)
        case ("#", _):
            throw RegexSyntaxError("comments (?#...) are not supported (at position \(position))", at: position)
        default:
            try flagGroup(at: position)
        }
    }

    private mutating func pushCapture(name: String?, at position: Int) {
        tree.captureCount += 1
        if let name { tree.groupNames[tree.captureCount] = name }
        frames.append(Frame(captureIndex: tree.captureCount, openPosition: position, savedFlags: flags))
    }

    /// Reads `name>` of a named group.
    private mutating func groupName(at position: Int) throws(RegexSyntaxError) -> String {
        var name = String.UnicodeScalarView()
        while index < scalars.count, scalars[index] != ">" {
            name.append(scalars[index])
            index += 1
        }
        guard index < scalars.count else {
            throw RegexSyntaxError("missing '>' after the group name at position \(position)", at: position)
        }
        index += 1
        let text = String(name)
        let valid = !name.isEmpty && name.allSatisfy { ClassNames.isWord($0.value) } && asciiDigit(name[name.startIndex]) == nil
        guard valid else {
            throw RegexSyntaxError("invalid group name '\(text)' at position \(position): use letters, digits and _", at: position)
        }
        guard !tree.groupNames.values.contains(text) else {
            throw RegexSyntaxError("duplicate group name '\(text)' at position \(position)", at: position)
        }
        return text
    }

    /// `(?flags)` (for the rest of the enclosing group) or `(?flags:...)`.
    private mutating func flagGroup(at position: Int) throws(RegexSyntaxError) {
        var newFlags = flags
        var on = true
        var sawFlag = false
        var sawMinus = false
        while index < scalars.count {
            let c = scalars[index]
            index += 1
            switch c {
            case "-":
                guard !sawMinus else { throw invalidFlags(at: position) }
                sawMinus = true
                on = false
                sawFlag = false
            case ")", ":":
                // `(?)`, `(?i-)`: a minus needs a flag after it, and some flag is needed.
                guard sawFlag else { throw invalidFlags(at: position) }
                if c == ":" {
                    frames.append(Frame(captureIndex: nil, openPosition: position, savedFlags: flags))
                }
                flags = newFlags
                return
            default:
                guard newFlags.set(c, on) else { throw invalidFlags(at: position) }
                sawFlag = true
            }
        }
        throw RegexSyntaxError("missing ')' to close the '(' at position \(position)", at: position)
    }

    private func invalidFlags(at position: Int) -> RegexSyntaxError {
        let end = Swift.min(index, scalars.count)
        let text = String(String.UnicodeScalarView(scalars[(position - 1)..<end]))
        return RegexSyntaxError(
            "invalid or unsupported group syntax '\(text)' at position \(position); flags are i, m, s and U, as in (?i) or (?i:...)",
            at: position)
    }

    private func unsupported(_ what: String, plural: Bool = false, at position: Int) -> RegexSyntaxError {
        RegexSyntaxError("\(what) \(plural ? "are" : "is") not supported: Sluice uses a linear-time engine (at position \(position))", at: position)
    }

    private mutating func closeGroup(at position: Int) throws(RegexSyntaxError) {
        index += 1
        guard frames.count > 1 else {
            throw RegexSyntaxError("unmatched ')' at position \(position)", at: position)
        }
        let last = finishBranch()
        let frame = frames.removeLast()
        var node = finishAlternation(frame.branches, last)
        if let capture = frame.captureIndex {
            node = tree.add(.capture(index: capture, child: node))
        }
        flags = frame.savedFlags
        frames[frames.count - 1].items.append(node)
        frames[frames.count - 1].lastIsRepetition = false
    }

    // MARK: - Escapes

    private mutating func escapeOutsideClass() throws(RegexSyntaxError) {
        let position = index + 1
        if index + 1 < scalars.count, scalars[index + 1] == "Q" {
            // \Q...\E: everything up to \E (or the end) is literal.
            index += 2
            while index < scalars.count {
                if scalars[index] == "\\", index + 1 < scalars.count, scalars[index + 1] == "E" {
                    index += 2
                    return
                }
                appendLiteral(scalars[index].value)
                index += 1
            }
            return
        }
        switch try escape(inClass: false, at: position) {
        case .scalar(let scalar): appendLiteral(scalar)
        case .set(let set): append(.scalarSet(set))
        case .assertion(let assertion): append(.assertion(assertion))
        }
    }

    /// Reads the escape sequence at the current `\`.
    private mutating func escape(inClass: Bool, at position: Int) throws(RegexSyntaxError) -> Escape {
        index += 1
        guard index < scalars.count else {
            throw RegexSyntaxError("trailing backslash at the end of the pattern (position \(position))", at: position)
        }
        let c = scalars[index]
        index += 1
        switch c {
        case "1"..."9":
            throw unsupported("backreferences (\\\(c))", plural: true, at: position)
        case "0":
            // Octal: \0, \07, \012.
            var value: UInt32 = 0
            var digits = 0
            while digits < 2, index < scalars.count, ("0"..."7").contains(scalars[index]) {
                value = value * 8 + scalars[index].value - 0x30
                index += 1
                digits += 1
            }
            return .scalar(value)
        case "a": return .scalar(0x07)
        case "f": return .scalar(0x0C)
        case "n": return .scalar(0x0A)
        case "r": return .scalar(0x0D)
        case "t": return .scalar(0x09)
        case "v": return .scalar(0x0B)
        case "x": return .scalar(try hexEscape(at: position))
        case "u": return .scalar(try fixedHex(digits: 4, escapeText: "\\u", at: position))
        case "d", "D", "s", "S", "w", "W":
            let lower = Unicode.Scalar(c.value | 0x20) ?? c
            let base = ClassNames.perl(lower) ?? ScalarSet()
            return .set(classItem(base, negated: c != lower))
        case "p", "P":
            throw RegexSyntaxError(
                "Unicode property classes (\\\(c){...}) are not supported (at position \(position)); use explicit ranges like [\\x{0400}-\\x{04FF}]",
                at: position)
        case "k", "g":
            throw unsupported("backreferences (\\\(c)<name>)", plural: true, at: position)
        case "A", "z", "b", "B":
            guard !inClass else {
                throw RegexSyntaxError("\\\(c) is not allowed in a character class (at position \(position))", at: position)
            }
            switch c {
            case "A": return .assertion(.beginText)
            case "z": return .assertion(.endText)
            case "b": return .assertion(.wordBoundary)
            default: return .assertion(.notWordBoundary)
            }
        case "Z":
            throw RegexSyntaxError("\\Z is not supported (at position \(position)); use \\z for the end of the text", at: position)
        default:
            // Escaped ASCII punctuation stands for itself; letters and digits must mean something.
            if c.value >= 0x20, c.value < 0x7F, !c.properties.isAlphabetic, asciiDigit(c) == nil {
                return .scalar(c.value)
            }
            throw RegexSyntaxError("invalid escape sequence \\\(c) at position \(position)", at: position)
        }
    }

    /// `\xHH` or `\x{H...}`.
    private mutating func hexEscape(at position: Int) throws(RegexSyntaxError) -> UInt32 {
        guard index < scalars.count, scalars[index] == "{" else {
            return try fixedHex(digits: 2, escapeText: "\\x", at: position)
        }
        index += 1
        var value: UInt32 = 0
        var digits = 0
        while index < scalars.count, let digit = hexDigit(scalars[index]) {
            value = digits < 8 ? value * 16 + digit : UInt32.max
            digits += 1
            index += 1
        }
        guard digits > 0, index < scalars.count, scalars[index] == "}" else {
            throw RegexSyntaxError("invalid escape sequence \\x{...} at position \(position): expected hex digits and '}'", at: position)
        }
        index += 1
        guard value <= ScalarSet.maxScalar, !(0xD800...0xDFFF).contains(value) else {
            throw RegexSyntaxError("invalid escape sequence at position \(position): not a Unicode scalar value", at: position)
        }
        return value
    }

    private mutating func fixedHex(digits count: Int, escapeText: String, at position: Int) throws(RegexSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard index < scalars.count, let digit = hexDigit(scalars[index]) else {
                throw RegexSyntaxError("invalid escape sequence \(escapeText) at position \(position): expected \(count) hex digits", at: position)
            }
            value = value * 16 + digit
            index += 1
        }
        guard !(0xD800...0xDFFF).contains(value) else {
            throw RegexSyntaxError("invalid escape sequence at position \(position): not a Unicode scalar value", at: position)
        }
        return value
    }

    private func hexDigit(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": return c.value - 0x30
        case "a"..."f": return c.value - 0x61 + 10
        case "A"..."F": return c.value - 0x41 + 10
        default: return nil
        }
    }

    /// A named class as an item: folded under `(?i)` before it is complemented, so `(?i)\W`
    /// excludes every case variant of a word character, as in RE2.
    private func classItem(_ base: ScalarSet, negated: Bool) -> ScalarSet {
        let folded = flags.caseInsensitive ? base.caseFolded() : base
        return negated ? folded.inverted() : folded
    }

    // MARK: - Character classes

    /// Reads `[...]` at the current `[`.
    private mutating func characterClass() throws(RegexSyntaxError) -> ScalarSet {
        let open = index + 1
        index += 1
        var negated = false
        if index < scalars.count, scalars[index] == "^" {
            negated = true
            index += 1
        }
        var set = ScalarSet()
        var first = true
        while true {
            guard index < scalars.count else {
                throw RegexSyntaxError("missing ']' to close the '[' at position \(open)", at: open)
            }
            let c = scalars[index]
            if c == "]", !first {
                index += 1
                break
            }
            first = false
            if c == "[", index + 1 < scalars.count, scalars[index + 1] == ":", let posix = try posixClass() {
                set.formUnion(posix)
                continue
            }
            let itemPosition = index + 1
            let low = try classAtom()
            guard case .scalar(let lower) = low else {
                if case .set(let members) = low { set.formUnion(members) }
                continue
            }
            // A range, unless the '-' is the last thing before ']'.
            if index + 1 < scalars.count, scalars[index] == "-", scalars[index + 1] != "]" {
                index += 1
                guard case .scalar(let upper) = try classAtom() else {
                    throw RegexSyntaxError("invalid character class range at position \(itemPosition): a range must end in a single character", at: itemPosition)
                }
                guard lower <= upper else {
                    let text = String(String.UnicodeScalarView(scalars[(itemPosition - 1)..<index]))
                    throw RegexSyntaxError("invalid character class range \(text) at position \(itemPosition): the start is after the end", at: itemPosition)
                }
                set.formUnion(classItem(ScalarSet([lower...upper]), negated: false))
            } else {
                set.formUnion(classItem(ScalarSet([lower...lower]), negated: false))
            }
        }
        return negated ? set.inverted() : set
    }

    /// One scalar or escape inside a class.
    private mutating func classAtom() throws(RegexSyntaxError) -> Escape {
        let c = scalars[index]
        guard c == "\\" else {
            index += 1
            return .scalar(c.value)
        }
        return try escape(inClass: true, at: index + 1)
    }

    /// `[:name:]` or `[:^name:]` at the current `[`; `nil` (reading nothing) when there is no
    /// closing `:]`, and the `[` is then an ordinary member.
    private mutating func posixClass() throws(RegexSyntaxError) -> ScalarSet? {
        let position = index + 1
        var cursor = index + 2
        var name = String.UnicodeScalarView()
        while cursor + 1 < scalars.count, !(scalars[cursor] == ":" && scalars[cursor + 1] == "]") {
            if scalars[cursor] == "]" { return nil }
            name.append(scalars[cursor])
            cursor += 1
        }
        guard cursor + 1 < scalars.count else { return nil }
        var text = String(name)
        let negated = text.hasPrefix("^")
        if negated { text.removeFirst() }
        guard let base = ClassNames.posix(text) else {
            throw RegexSyntaxError("unknown character class [:\(String(name)):] at position \(position)", at: position)
        }
        index = cursor + 2
        return classItem(base, negated: negated)
    }
}
