/// Finds credentials in URLs and free text and replaces them with ``Secrets/mask``: the
/// password of a URL's user info (`postgres://etl:***@db/shop`) and the values of
/// secret-looking parameters (`?api_key=***&token=***`, `password=***`).
///
/// Built to err on the side of hiding: a password holding an unencoded `/`, `?` or `#`, or a
/// URL cut short before its `@` (`postgres://etl:hunt…`), is still hidden. `${env:NAME}`
/// references are kept: they say where a secret is, not what it is.
enum CredentialRedaction {
    /// `text` with the credentials of every URL in it hidden; with `bareParameters`, also the
    /// values of secret-looking `name=value` pairs outside URLs (`password=hunter2`).
    static func redactText(_ text: String, bareParameters: Bool) -> String {
        let hasURL = text.contains("://")
        guard hasURL || (bareParameters && text.contains("=")) else { return text }
        var out = ""
        out.reserveCapacity(text.count)
        var tokenStart = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if isDelimiter(text[index]) {
                if tokenStart < index { out += redactToken(text[tokenStart..<index], bareParameters: bareParameters) }
                out.append(text[index])
                tokenStart = text.index(after: index)
            }
            index = text.index(after: index)
        }
        if tokenStart < text.endIndex { out += redactToken(text[tokenStart...], bareParameters: bareParameters) }
        return out
    }

    /// One URL (from its scheme on) with its user-info password and secret-looking query and
    /// fragment parameters hidden; text without `://` has only its parameters hidden.
    static func redactURL(_ url: Substring) -> String {
        guard let separator = url.firstRange(of: "://") else { return redactPathAndQuery(url) }
        var result = String(url[..<separator.upperBound])
        let rest = url[separator.upperBound...]
        let hostEnd = rest.firstIndex(where: isHostEnd) ?? rest.endIndex
        if let at = rest[..<hostEnd].lastIndex(of: "@") {
            result += redactUserInfo(rest[..<at])
            return result + redactPathAndQuery(rest[at...])
        }
        // A password holding an unencoded `/`, `?` or `#` ends the host part early.
        if let at = rest.firstIndex(of: "@") {
            let candidate = rest[..<at]
            if candidate.contains(":"), !candidate.contains(where: { $0 == "=" || $0 == "&" }) {
                result += redactUserInfo(candidate)
                return result + redactPathAndQuery(rest[at...])
            }
        }
        // `user:password` cut short before its `@` (a truncated message): what follows the
        // colon is no port, so it is hidden.
        let authority = rest[..<hostEnd]
        if !authority.hasPrefix("["), let colon = authority.firstIndex(of: ":") {
            let afterColon = authority[authority.index(after: colon)...]
            if !afterColon.isEmpty, !afterColon.allSatisfy({ $0.isASCII && $0.isNumber }), !keepsAsIs(afterColon) {
                result += String(authority[...colon]) + Secrets.mask
                return result + redactPathAndQuery(rest[hostEnd...])
            }
        }
        return result + String(authority) + redactPathAndQuery(rest[hostEnd...])
    }

    /// Whether a character ends the host part of a URL: `/`, `?` or `#`.
    private static func isHostEnd(_ character: Character) -> Bool {
        character == "/" || character == "?" || character == "#"
    }

    /// Whether a character ends a token of free text: white space, quotes and angle brackets.
    private static func isDelimiter(_ character: Character) -> Bool {
        character.isWhitespace || character == "'" || character == "\"" || character == "<" || character == ">" || character == "`"
    }

    /// A token of free text: each URL in it from its scheme to the next URL or the end.
    private static func redactToken(_ token: Substring, bareParameters: Bool) -> String {
        var starts: [String.Index] = []
        var searchFrom = token.startIndex
        while let separator = token[searchFrom...].firstRange(of: "://") {
            if let start = schemeStart(in: token, before: separator.lowerBound, notBefore: starts.last ?? token.startIndex) {
                starts.append(start)
            }
            searchFrom = separator.upperBound
        }
        guard let first = starts.first else {
            return bareParameters ? redactPathAndQuery(token) : String(token)
        }
        var out = bareParameters ? redactPathAndQuery(token[..<first]) : String(token[..<first])
        for (i, start) in starts.enumerated() {
            let end = i + 1 < starts.count ? starts[i + 1] : token.endIndex
            out += redactURL(token[start..<end])
        }
        return out
    }

    /// Where the scheme before `separator` (`://`) starts: letters, digits, `+`, `-` and `.`,
    /// beginning with a letter; `nil` when there is none.
    private static func schemeStart(in token: Substring, before separator: String.Index, notBefore limit: String.Index) -> String.Index? {
        var start = separator
        while start > limit {
            let previous = token.index(before: start)
            let c = token[previous]
            guard c.isASCII, c.isLetter || c.isNumber || c == "+" || c == "-" || c == "." else { break }
            start = previous
        }
        while start < separator, !(token[start].isASCII && token[start].isLetter) { start = token.index(after: start) }
        return start < separator ? start : nil
    }

    /// `user:password` with the password hidden; a lone user is kept.
    private static func redactUserInfo(_ userInfo: Substring) -> String {
        guard let colon = userInfo.firstIndex(of: ":") else { return String(userInfo) }
        let password = userInfo[userInfo.index(after: colon)...]
        if password.isEmpty || keepsAsIs(password) { return String(userInfo) }
        return String(userInfo[...colon]) + Secrets.mask
    }

    /// The part after the host: the path as it is, then the query and the fragment with their
    /// secret-looking parameters hidden.
    private static func redactPathAndQuery(_ text: Substring) -> String {
        guard let question = text.firstIndex(of: "?") else {
            guard let hash = text.firstIndex(of: "#") else { return redactParameters(text) }
            return String(text[...hash]) + redactParameters(text[text.index(after: hash)...])
        }
        let query = text[text.index(after: question)...]
        guard let hash = query.firstIndex(of: "#") else { return String(text[...question]) + redactParameters(query) }
        return String(text[...question]) + redactParameters(query[..<hash]) + "#" + redactParameters(query[query.index(after: hash)...])
    }

    /// `a=1&api_key=***;token=***`: each `&`- or `;`-separated `name=value` whose name looks
    /// secret gets its value hidden. Text without `=` is kept.
    private static func redactParameters(_ text: Substring) -> String {
        guard text.contains("=") else { return String(text) }
        var out = ""
        var partStart = text.startIndex
        var index = text.startIndex
        while index <= text.endIndex {
            if index == text.endIndex || text[index] == "&" || text[index] == ";" {
                out += redactParameter(text[partStart..<index])
                if index == text.endIndex { break }
                out.append(text[index])
                partStart = text.index(after: index)
            }
            index = text.index(after: index)
        }
        return out
    }

    private static func redactParameter(_ part: Substring) -> String {
        guard let equals = part.firstIndex(of: "=") else { return String(part) }
        let value = part[part.index(after: equals)...]
        guard !value.isEmpty, !keepsAsIs(value), Secrets.isSecretName(percentDecoded(part[..<equals])) else { return String(part) }
        return String(part[...equals]) + Secrets.mask
    }

    /// A value that is already hidden, or only `${env:…}` references.
    private static func keepsAsIs(_ value: Substring) -> Bool {
        value == Secrets.mask || Secrets.isReferenceOnly(String(value))
    }

    /// `%XX` escapes decoded (invalid ones kept as they are).
    private static func percentDecoded(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == 0x25, i + 2 < utf8.count, let high = hexValue(utf8[i + 1]), let low = hexValue(utf8[i + 2]) {
                bytes.append(high << 4 | low)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}
