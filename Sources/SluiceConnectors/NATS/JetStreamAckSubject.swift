/// What the reply subject of a message a JetStream consumer delivered says about it:
/// `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>`, or
/// the longer form with a domain and an account hash that newer servers may send.
struct JetStreamAckSubject: Equatable {
    /// The message's sequence number in its stream: the same on every delivery.
    var streamSequence: UInt64
    /// How many times the message has been delivered (1 the first time).
    var deliveries: UInt64

    init?(_ subject: String) {
        let tokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        guard tokens.count >= 9, tokens[0] == "$JS", tokens[1] == "ACK" else { return nil }
        // 9 tokens: the original form; 11 or more: with <domain>.<account hash> after ACK.
        let first = tokens.count == 9 ? 4 : tokens.count >= 11 ? 6 : -1
        guard first > 0, let deliveries = UInt64(tokens[first]), let sequence = UInt64(tokens[first + 1]) else { return nil }
        streamSequence = sequence
        self.deliveries = deliveries
    }
}
