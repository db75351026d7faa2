import SluiceCore

/// Date functions over ``Timestamp`` (UTC). Arguments may be dates or ISO 8601 text.
enum DateFunctions {
    typealias SetupFailure = FunctionDefinition.SetupFailure

    static let definitions: [FunctionDefinition] = [
        FunctionDefinition("now", arguments: 0...0, parameters: [], pure: false, returns: .timestamp) { _, context in
            .timestamp(context.now)
        },
        FunctionDefinition(
            "parse_date", arguments: 1...2, parameters: [.text, .text], result: { _ in .timestamp },
            prepare: { literals throws(SetupFailure) in
                let fixed = try literalFormat(literals, 1)
                return { a, _ throws(RowFailure) in
                    if case .timestamp = a[0] { return a[0] }
                    let text = try ArgumentCoercion.text(a[0])
                    guard a.count > 1 else {
                        guard let t = Timestamp(iso8601: text) else { throw RowFailure("cannot parse '\(text)' as an ISO 8601 date") }
                        return .timestamp(t)
                    }
                    let format = try fixed.orElse { () throws(RowFailure) in try StrftimeFormat(try ArgumentCoercion.text(a[1])) }
                    guard let t = format.parse(text) else { throw RowFailure("cannot parse '\(text)' as a date in the format '\(try ArgumentCoercion.text(a[1]))'") }
                    return .timestamp(t)
                }
            }),
        FunctionDefinition(
            "format_date", arguments: 2...2, parameters: [.timestamp, .text], result: { _ in .string },
            prepare: { literals throws(SetupFailure) in
                let fixed = try literalFormat(literals, 1)
                return { a, _ throws(RowFailure) in
                    let format = try fixed.orElse { () throws(RowFailure) in try StrftimeFormat(try ArgumentCoercion.text(a[1])) }
                    return .string(format.format(try ArgumentCoercion.timestamp(a[0])))
                }
            }),
        FunctionDefinition(
            "date_diff", arguments: 3...3, parameters: [.text, .timestamp, .timestamp], result: { _ in .int },
            prepare: { literals throws(SetupFailure) in
                let fixed = try literalUnit(literals, 0)
                return { a, _ throws(RowFailure) in
                    let unit = try fixed.orElse { () throws(RowFailure) in try DateUnit(name: try ArgumentCoercion.text(a[0])) }
                    return .int(unit.difference(from: try ArgumentCoercion.timestamp(a[1]), to: try ArgumentCoercion.timestamp(a[2])))
                }
            }),
        FunctionDefinition(
            "date_add", arguments: 3...3, parameters: [.timestamp, .integer, .text], result: { _ in .timestamp },
            prepare: { literals throws(SetupFailure) in
                let fixed = try literalUnit(literals, 2)
                return { a, _ throws(RowFailure) in
                    let unit = try fixed.orElse { () throws(RowFailure) in try DateUnit(name: try ArgumentCoercion.text(a[2])) }
                    return .timestamp(try unit.adding(try ArgumentCoercion.integer(a[1]), to: try ArgumentCoercion.timestamp(a[0])))
                }
            }),
        part("year") { $0.year },
        part("month") { $0.month },
        part("day") { $0.day },
        part("hour") { Int($0.timeOfDay / 3_600_000_000) },
        part("minute") { Int($0.timeOfDay / 60_000_000 % 60) },
        part("second") { Int($0.timeOfDay / 1_000_000 % 60) },
        part("weekday") { $0.weekday },
    ]

    /// A function returning one calendar field of a date.
    private static func part(_ name: String, _ field: @escaping @Sendable (CivilTime) -> Int) -> FunctionDefinition {
        FunctionDefinition(name, arguments: 1...1, parameters: [.timestamp], returns: .int) { a, _ throws(RowFailure) in
            .int(field(CivilTime(try ArgumentCoercion.timestamp(a[0]))))
        }
    }

    private static func literalFormat(_ literals: [Value?], _ index: Int) throws(SetupFailure) -> StrftimeFormat? {
        guard index < literals.count, let literal = literals[index] else { return nil }
        do {
            return try StrftimeFormat(try ArgumentCoercion.text(literal))
        } catch {
            throw SetupFailure(argument: index, reason: error.reason)
        }
    }

    private static func literalUnit(_ literals: [Value?], _ index: Int) throws(SetupFailure) -> DateUnit? {
        guard index < literals.count, let literal = literals[index] else { return nil }
        do {
            return try DateUnit(name: try ArgumentCoercion.text(literal))
        } catch {
            throw SetupFailure(argument: index, reason: error.reason)
        }
    }
}
