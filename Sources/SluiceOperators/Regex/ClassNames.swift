/// The named classes a pattern can use, all ASCII as in RE2: Perl's `\d \w \s` and the POSIX
/// `[[:alpha:]]` family.
enum ClassNames {
    /// `\d`, `\s`, `\w` by letter (the positive set; `\D \S \W` are their complements).
    static func perl(_ letter: Unicode.Scalar) -> ScalarSet? {
        switch letter {
        case "d": return digit
        case "s": return ScalarSet([0x09...0x0A, 0x0C...0x0D, 0x20...0x20])
        case "w": return word
        default: return nil
        }
    }

    /// `[:name:]` by name.
    static func posix(_ name: String) -> ScalarSet? {
        switch name {
        case "alnum": return ScalarSet([0x30...0x39, 0x41...0x5A, 0x61...0x7A])
        case "alpha": return ScalarSet([0x41...0x5A, 0x61...0x7A])
        case "ascii": return ScalarSet([0x00...0x7F])
        case "blank": return ScalarSet([0x09...0x09, 0x20...0x20])
        case "cntrl": return ScalarSet([0x00...0x1F, 0x7F...0x7F])
        case "digit": return digit
        case "graph": return ScalarSet([0x21...0x7E])
        case "lower": return ScalarSet([0x61...0x7A])
        case "print": return ScalarSet([0x20...0x7E])
        case "punct": return ScalarSet([0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E])
        case "space": return ScalarSet([0x09...0x0D, 0x20...0x20])
        case "upper": return ScalarSet([0x41...0x5A])
        case "word": return word
        case "xdigit": return ScalarSet([0x30...0x39, 0x41...0x46, 0x61...0x66])
        default: return nil
        }
    }

    /// `[0-9]`.
    static let digit = ScalarSet([0x30...0x39])
    /// `[0-9A-Za-z_]`, also what `\b` looks at.
    static let word = ScalarSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])

    /// Whether `scalar` is an ASCII word character (for `\b` and `\B`).
    @inline(__always)
    static func isWord(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x30...0x39, 0x41...0x5A, 0x5F, 0x61...0x7A: return true
        default: return false
        }
    }
}
