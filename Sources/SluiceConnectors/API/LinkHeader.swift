/// Reads RFC 8288 `Link` header values: `<https://api.example.com/items?page=2>; rel="next",
/// <…>; rel="last"`. A URI may hold commas and semicolons (it is inside `<…>`), parameters may
/// be quoted or bare, and `rel` may list several relation types separated by spaces.
enum LinkHeader {
    /// The target of the first link whose relation types include `next`, or nil.
    static func next(in value: String) -> String? {
        links(in: value).first { $0.relations.contains("next") }?.target
    }

    /// Every link of a header value with its relation types (lowercased).
    static func links(in value: String) -> [(target: String, relations: [String])] {
        var result: [(target: String, relations: [String])] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let target = String(rest[rest.index(after: open)..<close])
            rest = rest[rest.index(after: close)...]
            var relations: [String] = []
            // Parameters run to the next comma outside quotes.
            while true {
                rest = rest.drop { $0 == " " || $0 == "\t" }
                guard rest.first == ";" else { break }
                rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
                let name = rest.prefix { $0 != "=" && $0 != ";" && $0 != "," && $0 != " " }
                rest = rest[name.endIndex...].drop { $0 == " " || $0 == "\t" }
                var parameterValue = ""
                if rest.first == "=" {
                    rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
                    if rest.first == "\"" {
                        rest = rest.dropFirst()
                        var text = ""
                        var escaped = false
                        while let character = rest.first {
                            rest = rest.dropFirst()
                            if escaped {
                                text.append(character)
                                escaped = false
                            } else if character == "\\" {
                                escaped = true
                            } else if character == "\"" {
                                break
                            } else {
                                text.append(character)
                            }
                        }
                        parameterValue = text
                    } else {
                        let bare = rest.prefix { $0 != ";" && $0 != "," }
                        parameterValue = String(bare).trimmingSpaces
                        rest = rest[bare.endIndex...]
                    }
                }
                if name.lowercased() == "rel" {
                    relations += parameterValue.lowercased().split(separator: " ").map(String.init)
                }
            }
            result.append((target, relations))
            guard let comma = rest.firstIndex(of: ",") else { break }
            rest = rest[rest.index(after: comma)...]
        }
        return result
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
