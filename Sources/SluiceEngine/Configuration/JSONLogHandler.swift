import Logging
import SluiceCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A swift-log backend writing one JSON object per line to standard error:
/// `{"ts":"…","level":"info","label":"sluice","message":"…",…metadata}`.
///
/// Nothing secret reaches the log: metadata whose key looks secret (token, password,
/// authorization, …) is written as `***`; in the message and every other metadata string,
/// URL credentials and secret-looking `name=value` pairs are hidden (``Secrets/redactText(_:)``)
/// and so is every value an `${env:…}` reference may resolve to (`secrets`).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    /// The values no line may show (those of the variables `SLUICE_SECRET_ENV` allows).
    let secrets: SecretValues
    private static let lock = Mutex(())

    public init(label: String, level: Logger.Level, secrets: SecretValues = SecretValues()) {
        self.label = label
        self.logLevel = level
        self.secrets = secrets
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var o = ValueObject()
        o["ts"] = .string(Timestamp(milliseconds: JobRunner.wallClockMilliseconds()).iso8601)
        o["level"] = .string(event.level.rawValue)
        o["label"] = .string(label)
        o["message"] = .string(clean("\(event.message)"))
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() {
            guard let value = merged[key] else { continue }
            o[key] = Secrets.isSecretName(key) ? .string(Secrets.mask) : self.value(value)
        }
        var line = JSONText.bytes(.object(o))
        line.append(0x0A)
        Self.lock.withLock { _ in
            line.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                _ = write(2, base, raw.count)
            }
        }
    }

    /// `text` with credentials and secret values hidden.
    func clean(_ text: String) -> String {
        secrets.scrub(Secrets.redactText(text))
    }

    func value(_ metadata: Logger.MetadataValue) -> Value {
        switch metadata {
        case .string(let s): return .string(clean(s))
        case .stringConvertible(let c): return .string(clean(c.description))
        case .array(let items): return .array(items.map(value))
        case .dictionary(let d):
            var o = ValueObject()
            for key in d.keys.sorted() {
                if let item = d[key] { o[key] = Secrets.isSecretName(key) ? .string(Secrets.mask) : value(item) }
            }
            return .object(o)
        }
    }
}
