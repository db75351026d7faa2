import SluiceCore

/// A zoned cron schedule or `@every` interval drives the scheduler directly.
extension CronSchedule: FireTimes {
    /// The schedule's next fire time after `date`.
    public func nextFireTime(after date: Timestamp) -> Timestamp? {
        next(after: date)
    }
}
