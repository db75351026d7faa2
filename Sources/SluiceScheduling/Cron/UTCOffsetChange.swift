/// A moment at which a time zone's offset from UTC changes (or may change: a TZif file
/// also records changes of abbreviation or DST flag alone, where `before == after`).
struct UTCOffsetChange: Sendable, Equatable {
    /// Seconds since 1970-01-01T00:00:00Z; the new offset applies from this second on.
    var at: Int64
    /// The offset east of UTC, in seconds, before `at`.
    var before: Int64
    /// The offset east of UTC, in seconds, from `at` on.
    var after: Int64
}
