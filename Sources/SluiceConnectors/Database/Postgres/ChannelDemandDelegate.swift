import NIOCore

/// A channel handler that feeds an async sequence and holds the channel's reads while the
/// sequence's consumer is behind (``PostgresCopyOutHandler``, ``PostgresReplicationHandler``).
protocol DemandDrivenHandler: AnyObject {
    /// The consumer wants more: reads resume.
    func resumeReading()
    /// The consumer is gone: the handler stops and closes what it must.
    func consumerGone()
}

/// The delegate of such a sequence: passes the consumer's demand to the handler on its event
/// loop.
struct ChannelDemandDelegate<Handler: DemandDrivenHandler>: NIOAsyncSequenceProducerDelegate {
    let handler: NIOLoopBound<Handler>

    func produceMore() {
        let handler = handler
        handler.eventLoop.execute { handler.value.resumeReading() }
    }

    func didTerminate() {
        let handler = handler
        handler.eventLoop.execute { handler.value.consumerGone() }
    }
}
