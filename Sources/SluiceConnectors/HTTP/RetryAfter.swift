import Foundation
import SluiceCore

/// Reads the waits servers ask for: `Retry-After` (RFC 9110: seconds or an HTTP date) and
/// `X-RateLimit-Reset` (seconds to wait, or the Unix time the window resets at).
enum RetryAfter {
    /// The seconds from `now` (seconds since the epoch) that a `Retry-After` value asks for;
    /// nil when it is neither a number of seconds nor an HTTP date.
    static func seconds(_ text: String, now: Double) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed) {
            return seconds.isFinite && seconds >= 0 ? seconds : nil
        }
        guard let date = ObjectInfo.httpDate(trimmed) else { return nil }
        return max(0, Double(date.microseconds) / 1_000_000 - now)
    }

    /// The seconds from `now` until an `X-RateLimit-Reset` value: a number past a billion is
    /// a Unix time (GitHub's style), a smaller one a number of seconds (the IETF draft's).
    static func resetSeconds(_ text: String, now: Double) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), value.isFinite, value >= 0 else { return seconds(trimmed, now: now) }
        return value > 1_000_000_000 ? max(0, value - now) : value
    }
}
