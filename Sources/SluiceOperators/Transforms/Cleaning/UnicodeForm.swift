import Foundation

/// A Unicode normalization form, applied with Foundation's string mappings (the Swift
/// standard library has no public normalization API yet).
enum UnicodeForm: String, Sendable, CaseIterable {
    case nfc = "NFC"
    case nfd = "NFD"
    case nfkc = "NFKC"
    case nfkd = "NFKD"

    /// `text` in this form.
    func apply(_ text: String) -> String {
        switch self {
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfd: return text.decomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        case .nfkd: return text.decomposedStringWithCompatibilityMapping
        }
    }
}
