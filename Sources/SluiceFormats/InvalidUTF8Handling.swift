/// What a decoder does with a field whose text is not valid UTF-8.
public enum InvalidUTF8Handling: String, Codable, Sendable, CaseIterable {
    /// The record goes to the dead-letter queue, naming the field and the byte offset of the
    /// first bad sequence in its text (the default).
    case reject
    /// Each ill-formed sequence becomes U+FFFD, as Python's `bytes.decode('utf-8', 'replace')`
    /// does, and the record goes on.
    case replace
}
