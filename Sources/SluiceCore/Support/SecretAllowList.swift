/// The environment variables a job's `${env:NAME}` references may read (`SLUICE_SECRET_ENV`):
/// exact names (`PGPASSWORD`) and prefixes ending in `*` (`SHOP_*`).
///
/// Anything else is refused when a job is planned, whether or not the variable is set, so a
/// job can neither read the server's other variables (`HOME`, `SLUICE_API_TOKEN`, cloud
/// credentials) nor find out which of them exist.
public struct SecretAllowList: Sendable, Equatable, CustomStringConvertible {
    /// The variable that configures the list.
    public static let variable = "SLUICE_SECRET_ENV"

    /// The list used when `SLUICE_SECRET_ENV` is unset or empty: `SLUICE_SECRET_*`.
    public static let standard = SecretAllowList(checked: ["SLUICE_SECRET_*"])

    /// The entries in the order given: names, and prefixes with their trailing `*`.
    public let entries: [String]

    private init(checked entries: [String]) { self.entries = entries }

    /// A refused `SLUICE_SECRET_ENV` value, with the reason.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// Parses a comma- or colon-separated list (`SLUICE_SECRET_*,PGPASSWORD:SHOP_*`);
    /// spaces around entries and empty entries are ignored.
    ///
    /// Each entry is a variable name (letters, digits and `_`, not starting with a digit),
    /// optionally followed by `*` to allow every name that starts with it. A lone `*` is
    /// refused: it would let any job read every variable of the server.
    public init(parsing text: String) throws(Invalid) {
        var entries: [String] = []
        for raw in text.split(whereSeparator: { $0 == "," || $0 == ":" }) {
            let entry = raw.trimmingSpaces
            if entry.isEmpty { continue }
            let name = entry.hasSuffix("*") ? entry.dropLast() : Substring(entry)
            if name.isEmpty {
                throw Invalid(
                    description: "'*' would let every job read every variable of the server; list names or prefixes such as SLUICE_SECRET_*")
            }
            guard Self.isVariableName(name) else {
                throw Invalid(
                    description: "'\(entry)' is not a variable name or a prefix ending in '*' (letters, digits and _, not starting with a digit)")
            }
            entries.append(entry)
        }
        guard !entries.isEmpty else { throw Invalid(description: "lists no variable names") }
        self.entries = entries
    }

    /// Whether `${env:name}` may be resolved.
    public func allows(_ name: String) -> Bool {
        entries.contains { entry in
            entry.hasSuffix("*") ? name.hasPrefix(entry.dropLast()) : name == entry
        }
    }

    /// The entries as messages quote them: `SLUICE_SECRET_*, PGPASSWORD`.
    public var description: String { entries.joined(separator: ", ") }

    /// Whether `name` is a valid environment variable name: `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isVariableName<S: StringProtocol>(_ name: S) -> Bool {
        guard let first = name.utf8.first, !(0x30...0x39).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
