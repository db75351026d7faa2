import SluiceCore

/// A plain cron expression fires in UTC.
extension CronExpression: FireTimes {
    /// The next matching minute after `date`, in UTC.
    public func nextFireTime(after date: Timestamp) -> Timestamp? {
        next(after: date)
    }
}
