import SluiceCore

/// Something that says when a schedule is due: the scheduler only ever asks for the next
/// fire time strictly after a given instant, so cron expressions, zoned cron schedules and
/// `@every` intervals can all drive it.
public protocol FireTimes: Sendable {
    /// The first fire time strictly after `date`, or `nil` if there is none.
    func nextFireTime(after date: Timestamp) -> Timestamp?
}
