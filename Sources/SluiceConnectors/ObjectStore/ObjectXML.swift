// Written for Sluice: S3's and Azure's answers are small, flat XML documents, and no XML
// parser is available to this target, so the few elements the stores need are found here.

/// The text of elements in a small XML answer (a listing, an error): found by name, with the
/// five predefined entities and character references decoded. Not a general XML parser: it
/// assumes the store's own well-formed, attribute-free, non-nested-by-name elements.
struct ObjectXML {
    private let text: Substring

    init(_ bytes: [UInt8]) { text = Substring(String(decoding: bytes, as: UTF8.self)) }
    private init(_ text: Substring) { self.text = text }

    /// Each `<name>…</name>` element's inside, in order (as documents of their own).
    func elements(_ name: String) -> [ObjectXML] {
        var found: [ObjectXML] = []
        var rest = text
        let open = "<\(name)>"
        let close = "</\(name)>"
        while let start = rest.range(of: open), let end = rest[start.upperBound...].range(of: close) {
            found.append(ObjectXML(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }

    /// The decoded text of the first `<name>` element, or nil.
    func value(_ name: String) -> String? {
        if text.range(of: "<\(name)/>") != nil, text.range(of: "<\(name)>") == nil { return "" }
        return elements(name).first.map { Self.decode($0.text) }
    }

    /// `text` with `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#NN;` and `&#xNN;` decoded.
    static func decode(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
                out += rest[amp...]
                return out
            }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                var scalar: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst())
                }
                if let scalar, let character = Unicode.Scalar(scalar) {
                    out.unicodeScalars.append(character)
                } else {
                    out += rest[amp...semi]
                }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, for a request document.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
