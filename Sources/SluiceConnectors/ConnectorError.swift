import SluiceCore

/// A job-level failure of a source or target: the job stops and reports this message, with
/// any URL credentials in it hidden (``Secrets/redactText(_:)``).
public enum ConnectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file could not be opened, read, written or renamed.
    case io(String)
    /// A remote endpoint answered with an error or not at all.
    case remote(String)
    /// An endpoint refused a request for what it held (an HTTP 4xx other than 408 and 429):
    /// sending it again would not help.
    case refused(status: Int, message: String)

    public var description: String {
        switch self {
        case .io(let message), .remote(let message), .refused(_, let message): return Secrets.redactText(message)
        }
    }
}
