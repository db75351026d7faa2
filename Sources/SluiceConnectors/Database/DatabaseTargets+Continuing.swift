import SluiceCore

extension DatabaseWriteSettings {
    /// The settings of a continuous job's later micro-batches: `replace` emptied the table in
    /// the first one, so the later ones insert; the other modes stay as they are.
    var continuing: DatabaseWriteSettings {
        var next = self
        if next.mode == .replace { next.mode = .insert }
        return next
    }
}

// Each micro-batch of a continuous job is one write: with `commit: "job"` (the default) one
// transaction, committed before the source is told; `apply` and `upsert` make redelivered
// messages land once.

extension SQLiteTarget: ContinuingTarget {
    public func continuing() throws -> any Target {
        var next = self
        next.settings = settings.continuing
        return next
    }
}

extension PostgresTarget: ContinuingTarget {
    public func continuing() throws -> any Target {
        var next = self
        next.settings = settings.continuing
        return next
    }
}

extension MySQLTarget: ContinuingTarget {
    public func continuing() throws -> any Target {
        var next = self
        next.settings = settings.continuing
        return next
    }
}
