import SluiceCore

/// The steps of a ``NormalizeText``, applied to one cell.
struct TextNormalization: Sendable {
    let letterCase: NormalizeText.Case?
    let whitespace: Bool
    let form: UnicodeForm?

    /// Appends the normalized `input` to `output`.
    func apply(_ input: UnsafeBufferPointer<UInt8>, _ output: inout [UInt8]) {
        // ASCII is its own NFC, NFD, NFKC and NFKD, and its case maps byte for byte.
        if TextCells.isASCII(input) {
            asciiPath(input, &output)
        } else {
            var text = String(decoding: input, as: UTF8.self)
            if whitespace { text = Self.collapsed(text) }
            switch letterCase {
            case .lower?: text = text.lowercased()
            case .upper?: text = text.uppercased()
            case .title?: text = Self.titled(text)
            case nil: break
            }
            if let form { text = form.apply(text) }
            output.append(contentsOf: text.utf8)
        }
    }

    private func asciiPath(_ input: UnsafeBufferPointer<UInt8>, _ output: inout [UInt8]) {
        var pendingSpace = false
        var inWord = false
        var wroteAny = false
        for var byte in input {
            if whitespace, TextCells.isASCIISpace(byte) {
                pendingSpace = wroteAny
                inWord = false
                continue
            }
            if pendingSpace {
                output.append(0x20)
                pendingSpace = false
            }
            let isUpper = byte >= 0x41 && byte <= 0x5A
            let isLower = byte >= 0x61 && byte <= 0x7A
            switch letterCase {
            case .lower?: if isUpper { byte |= 0x20 }
            case .upper?: if isLower { byte &= ~0x20 }
            case .title?:
                if inWord { if isUpper { byte |= 0x20 } } else if isLower { byte &= ~0x20 }
            case nil: break
            }
            inWord = isUpper || isLower || (byte >= 0x30 && byte <= 0x39) || byte == 0x27
            output.append(byte)
            wroteAny = true
        }
    }

    /// `text` trimmed, with each inner run of whitespace made one space.
    static func collapsed(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(" ")
                pendingSpace = false
            }
            out.append(scalar)
        }
        return String(out)
    }

    /// `text` with each word's first letter titlecased and its other letters lowercased.
    static func titled(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var inWord = false
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            let wordPart =
                properties.isAlphabetic || properties.numericType != nil || scalar == "'" || scalar == "\u{2019}"
                || properties.generalCategory == .nonspacingMark || properties.generalCategory == .spacingMark
            if properties.isAlphabetic {
                out += inWord ? properties.lowercaseMapping : properties.titlecaseMapping
            } else {
                out.unicodeScalars.append(scalar)
            }
            inWord = wordPart
        }
        return out
    }
}
