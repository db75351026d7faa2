import SluiceCore

/// A strftime-style date format, checked once: `%Y %m %d %e %H %I %M %S %f %y %j %a %A %b %h
/// %B %p %w %u %z %Z %F %T %%`; any other character stands for itself.
struct StrftimeFormat: Sendable {
    enum Item: Sendable, Equatable {
        case literal(Character)
        case directive(Character)
    }

    static let directives: Set<Character> = ["Y", "m", "d", "e", "H", "I", "M", "S", "f", "y", "j", "a", "A", "b", "h", "B", "p", "w", "u", "z", "Z"]
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    let items: [Item]

    /// Reads a format; throws on an unknown `%` directive.
    init(_ format: String) throws(RowFailure) {
        var items: [Item] = []
        var iterator = format.makeIterator()
        while let c = iterator.next() {
            guard c == "%" else {
                items.append(.literal(c))
                continue
            }
            guard let d = iterator.next() else { throw RowFailure("date format '\(format)' ends with a lone %") }
            switch d {
            case "%": items.append(.literal("%"))
            case "F": items += [.directive("Y"), .literal("-"), .directive("m"), .literal("-"), .directive("d")]
            case "T": items += [.directive("H"), .literal(":"), .directive("M"), .literal(":"), .directive("S")]
            default:
                guard Self.directives.contains(d) else { throw RowFailure("unknown date format directive %\(d) in '\(format)'") }
                items.append(.directive(d))
            }
        }
        self.items = items
    }

    /// `t` written in this format (UTC).
    func format(_ t: Timestamp) -> String {
        let c = CivilTime(t)
        let seconds = Int(c.timeOfDay / 1_000_000)
        let hour = seconds / 3600
        var out = ""
        func pad(_ value: Int, _ width: Int, _ fill: Character = "0") {
            let s = String(Swift.abs(value))
            if value < 0 { out += "-" }
            if s.count < width { out += String(repeating: fill, count: width - s.count) }
            out += s
        }
        for item in items {
            switch item {
            case .literal(let ch): out.append(ch)
            case .directive(let d):
                switch d {
                case "Y": pad(c.year, 4)
                case "y": pad(((c.year % 100) + 100) % 100, 2)
                case "m": pad(c.month, 2)
                case "d": pad(c.day, 2)
                case "e": pad(c.day, 2, " ")
                case "H": pad(hour, 2)
                case "I": pad(hour % 12 == 0 ? 12 : hour % 12, 2)
                case "M": pad(seconds / 60 % 60, 2)
                case "S": pad(seconds % 60, 2)
                case "f": pad(Int(c.timeOfDay % 1_000_000), 6)
                case "j": pad(c.days - Timestamp.daysFromCivil(year: c.year, month: 1, day: 1) + 1, 3)
                case "a": out += Self.dayNames[c.weekday].prefix(3)
                case "A": out += Self.dayNames[c.weekday]
                case "b", "h": out += Self.monthNames[c.month - 1].prefix(3)
                case "B": out += Self.monthNames[c.month - 1]
                case "p": out += hour < 12 ? "AM" : "PM"
                case "w": pad(c.weekday, 1)
                case "u": pad(c.weekday == 0 ? 7 : c.weekday, 1)
                case "z": out += "+0000"
                case "Z": out += "UTC"
                default: break
                }
            }
        }
        return out
    }

    /// Reads `text` in this format; `nil` when it does not fit or names an impossible date.
    func parse(_ text: String) -> Timestamp? {
        var reader = FormatReader(characters: Array(text))
        var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0
        var dayOfYear: Int?
        var pm: Bool?
        var offsetSeconds = 0
        for item in items {
            switch item {
            case .literal(let ch):
                guard reader.take(ch) else { return nil }
            case .directive(let d):
                switch d {
                case "Y":
                    let negative = reader.take("-")
                    guard let y = reader.number(maxDigits: 6) else { return nil }
                    year = negative ? -y : y
                case "y":
                    guard let y = reader.number(maxDigits: 2) else { return nil }
                    year = y < 69 ? 2000 + y : 1900 + y
                case "m": guard let v = reader.number(maxDigits: 2) else { return nil }; month = v
                case "d": guard let v = reader.number(maxDigits: 2) else { return nil }; day = v
                case "e":
                    _ = reader.take(" ")
                    guard let v = reader.number(maxDigits: 2) else { return nil }
                    day = v
                case "H", "I": guard let v = reader.number(maxDigits: 2) else { return nil }; hour = v
                case "M": guard let v = reader.number(maxDigits: 2) else { return nil }; minute = v
                case "S": guard let v = reader.number(maxDigits: 2) else { return nil }; second = v
                case "f":
                    guard let (v, digits) = reader.digits(maxDigits: 6) else { return nil }
                    var scaled = v
                    for _ in digits..<6 { scaled *= 10 }
                    micros = scaled
                case "j": guard let v = reader.number(maxDigits: 3) else { return nil }; dayOfYear = v
                case "a", "A": guard reader.name(Self.dayNames) != nil else { return nil }
                case "b", "h", "B":
                    guard let index = reader.name(Self.monthNames) else { return nil }
                    month = index + 1
                case "p":
                    if reader.takeWord("AM") { pm = false } else if reader.takeWord("PM") { pm = true } else { return nil }
                case "w", "u": guard reader.number(maxDigits: 1) != nil else { return nil }
                case "z":
                    if reader.take("Z") { break }
                    let sign: Int
                    if reader.take("+") { sign = 1 } else if reader.take("-") { sign = -1 } else { return nil }
                    guard let h = reader.number(maxDigits: 2, exactly: true) else { return nil }
                    _ = reader.take(":")
                    let m = reader.number(maxDigits: 2, exactly: true) ?? 0
                    offsetSeconds = sign * (h * 3600 + m * 60)
                case "Z":
                    guard reader.letters() else { return nil }
                default: return nil
                }
            }
        }
        guard reader.atEnd else { return nil }
        if let pm {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        guard (1...12).contains(month), hour < 24, minute < 60, second < 60 else { return nil }
        var days: Int
        if let dayOfYear {
            guard dayOfYear >= 1, dayOfYear <= (Timestamp.isLeap(year) ? 366 : 365) else { return nil }
            days = Timestamp.daysFromCivil(year: year, month: 1, day: 1) + dayOfYear - 1
        } else {
            guard day >= 1, day <= Timestamp.daysInMonth(year: year, month: month) else { return nil }
            days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        }
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return Timestamp(microseconds: seconds * 1_000_000 + Int64(micros))
    }
}

/// A cursor over the characters of a date being parsed.
private struct FormatReader {
    let characters: [Character]
    var index = 0

    var atEnd: Bool { index == characters.count }

    mutating func take(_ c: Character) -> Bool {
        guard index < characters.count, characters[index] == c else { return false }
        index += 1
        return true
    }

    mutating func digits(maxDigits: Int) -> (Int, Int)? {
        var value = 0
        var count = 0
        while count < maxDigits, index < characters.count, let d = characters[index].wholeNumberValue, characters[index].isASCII {
            value = value * 10 + d
            count += 1
            index += 1
        }
        return count == 0 ? nil : (value, count)
    }

    mutating func number(maxDigits: Int, exactly: Bool = false) -> Int? {
        guard let (value, count) = digits(maxDigits: maxDigits), !exactly || count == maxDigits else { return nil }
        return value
    }

    /// Matches a full name or its three-letter abbreviation, in any case; returns its index.
    mutating func name(_ names: [String]) -> Int? {
        for (i, full) in names.enumerated() {
            if takeWord(full) || takeWord(String(full.prefix(3))) { return i }
        }
        return nil
    }

    mutating func takeWord(_ word: String) -> Bool {
        let letters = Array(word.lowercased())
        guard index + letters.count <= characters.count else { return false }
        for (offset, letter) in letters.enumerated() where characters[index + offset].lowercased() != String(letter) {
            return false
        }
        index += letters.count
        return true
    }

    mutating func letters() -> Bool {
        let start = index
        while index < characters.count, characters[index].isLetter { index += 1 }
        return index > start
    }
}
