import SluiceCore

/// The expression functions for the operations reference: each with its signature, what it
/// does, and an example a test evaluates against the record ``exampleRecord``.
public enum FunctionReference {
    /// One function's entry.
    public struct Entry: Sendable {
        public let name: String
        public let signature: String
        public let summary: String
        /// An expression using the function.
        public let example: String
        /// The example's result over ``exampleRecord``, as JSON.
        public let result: String
    }

    /// The record every example reads.
    public static let exampleRecord = #"""
        {"name": "  Ada Lovelace ", "email": "ada@example.com", "amount": -12.345, "qty": 3, "note": null,
         "created": "2024-03-15T10:30:00Z", "tags": ["math", "poet"], "address": {"city": "London"}}
        """#

    /// Every function name of the language, sorted (the reference must cover them all).
    public static var functionNames: [String] { FunctionLibrary.names }

    public static let entries: [Entry] = [
        Entry(name: "coalesce", signature: "coalesce(a, b, …)", summary: "The first argument that is not null.", example: "coalesce(note, 'none')", result: #""none""#),
        Entry(name: "if", signature: "if(condition, then, else)", summary: "`then` when the condition is true, else `else` (also for null).", example: "if(qty > 2, 'many', 'few')", result: #""many""#),
        Entry(name: "is_null", signature: "is_null(x)", summary: "Whether `x` is null or missing.", example: "is_null(note)", result: "true"),
        Entry(name: "lower", signature: "lower(s)", summary: "Lower case.", example: "lower(email)", result: #""ada@example.com""#),
        Entry(name: "upper", signature: "upper(s)", summary: "Upper case.", example: "upper(address.city)", result: #""LONDON""#),
        Entry(name: "trim", signature: "trim(s)", summary: "Without leading and trailing spaces.", example: "trim(name)", result: #""Ada Lovelace""#),
        Entry(name: "length", signature: "length(s)", summary: "The number of characters.", example: "length(trim(name))", result: "12"),
        Entry(name: "concat", signature: "concat(a, b, …)", summary: "The arguments' text joined; null arguments are skipped.", example: "concat(address.city, '/', note, tags[0])", result: #""London/math""#),
        Entry(name: "substring", signature: "substring(s, start, length?)", summary: "Characters from `start` (1-based), `length` of them or to the end.", example: "substring(email, 1, 3)", result: #""ada""#),
        Entry(name: "split_part", signature: "split_part(s, delimiter, n)", summary: "The `n`-th part (1-based) of `s` split at `delimiter`.", example: "split_part(email, '@', 2)", result: #""example.com""#),
        Entry(name: "replace", signature: "replace(s, from, to)", summary: "Every `from` replaced by `to`.", example: "replace(email, 'example', 'test')", result: #""ada@test.com""#),
        Entry(name: "starts_with", signature: "starts_with(s, prefix)", summary: "Whether `s` starts with `prefix`.", example: "starts_with(email, 'ada')", result: "true"),
        Entry(name: "ends_with", signature: "ends_with(s, suffix)", summary: "Whether `s` ends with `suffix`.", example: "ends_with(email, '.org')", result: "false"),
        Entry(name: "contains", signature: "contains(s, part)", summary: "Whether `s` contains `part`.", example: "contains(name, 'Love')", result: "true"),
        Entry(name: "regex_match", signature: "regex_match(s, pattern)", summary: "Whether the pattern matches anywhere in `s`.", example: #"regex_match(email, '^[a-z]+@')"#, result: "true"),
        Entry(name: "regex_replace", signature: "regex_replace(s, pattern, replacement, 'g'?)", summary: "The first match (every match with `'g'`) replaced; `\\1` refers to a group.", example: #"regex_replace(email, '([a-z]+)@.*', '\\1')"#, result: #""ada""#),
        Entry(name: "abs", signature: "abs(x)", summary: "The absolute value.", example: "abs(amount)", result: "12.345"),
        Entry(name: "round", signature: "round(x, digits?)", summary: "Rounded half away from zero to `digits` decimals (0 by default).", example: "round(amount, 1)", result: "-12.3"),
        Entry(name: "floor", signature: "floor(x)", summary: "The largest integer not above `x`.", example: "floor(amount)", result: "-13.0"),
        Entry(name: "ceil", signature: "ceil(x)", summary: "The smallest integer not below `x`.", example: "ceil(amount)", result: "-12.0"),
        Entry(name: "pow", signature: "pow(x, y)", summary: "`x` to the power `y`.", example: "pow(qty, 2)", result: "9.0"),
        Entry(name: "sqrt", signature: "sqrt(x)", summary: "The square root.", example: "sqrt(qty * 12)", result: "6.0"),
        Entry(name: "min", signature: "min(a, b, …)", summary: "The smallest argument; nulls are skipped.", example: "min(qty, 10, note)", result: "3"),
        Entry(name: "max", signature: "max(a, b, …)", summary: "The largest argument; nulls are skipped.", example: "max(qty, 10)", result: "10"),
        Entry(name: "now", signature: "now()", summary: "When the step was built for the run (one value for the whole run).", example: "year(now()) >= 2024", result: "true"),
        Entry(name: "parse_date", signature: "parse_date(s, format?)", summary: "A date from ISO 8601 text, or with a strftime-style format.", example: "parse_date('15/03/2024', '%d/%m/%Y')", result: #""2024-03-15T00:00:00.000Z""#),
        Entry(name: "format_date", signature: "format_date(t, format)", summary: "A date as text in a strftime-style format.", example: "format_date(created, '%Y-%m')", result: #""2024-03""#),
        Entry(name: "date_diff", signature: "date_diff(unit, a, b)", summary: "How many `unit` boundaries (second … year) lie between `a` and `b`.", example: "date_diff('day', created, parse_date('2024-04-01'))", result: "17"),
        Entry(name: "date_add", signature: "date_add(t, amount, unit)", summary: "`t` moved by `amount` units; months clip to the month's end.", example: "date_add(created, 1, 'month')", result: #""2024-04-15T10:30:00.000Z""#),
        Entry(name: "year", signature: "year(t)", summary: "The year.", example: "year(created)", result: "2024"),
        Entry(name: "month", signature: "month(t)", summary: "The month, 1–12.", example: "month(created)", result: "3"),
        Entry(name: "day", signature: "day(t)", summary: "The day of the month.", example: "day(created)", result: "15"),
        Entry(name: "hour", signature: "hour(t)", summary: "The hour, 0–23.", example: "hour(created)", result: "10"),
        Entry(name: "minute", signature: "minute(t)", summary: "The minute.", example: "minute(created)", result: "30"),
        Entry(name: "second", signature: "second(t)", summary: "The second.", example: "second(created)", result: "0"),
        Entry(name: "weekday", signature: "weekday(t)", summary: "The day of the week, 0 = Sunday.", example: "weekday(created)", result: "5"),
        Entry(name: "to_int", signature: "to_int(x)", summary: "An integer (text rounds half away from zero, doubles half to even); a failure is a row error.", example: "to_int('41.5') + 1", result: "43"),
        Entry(name: "to_double", signature: "to_double(x)", summary: "A double.", example: "to_double(qty) / 2", result: "1.5"),
        Entry(name: "to_string", signature: "to_string(x)", summary: "Text.", example: "concat(to_string(qty), ' items')", result: #""3 items""#),
        Entry(name: "to_bool", signature: "to_bool(x)", summary: "A boolean from true/false, yes/no, 1/0 and numbers.", example: "to_bool('yes')", result: "true"),
    ]
}
