import SluiceCore

/// A JSON object whose values are strings, decoded with its keys in the order written
/// (`{"customer_id": "id", "email_address": "email"}`), for configs where order is meaning.
public struct OrderedPairs: Decodable, Sendable, Equatable {
    /// One key and its string value.
    public struct Pair: Sendable, Equatable {
        public var key: String
        public var value: String

        /// A pair.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The pairs in document order.
    public var pairs: [Pair]

    /// Pairs in the given order.
    public init(_ pairs: [Pair]) {
        self.pairs = pairs
    }

    /// Decodes an object; a value that is not a string fails at its own key's path.
    public init(from decoder: any Decoder) throws {
        // ValueDecoder lists `allKeys` in the object's order, which is the order written.
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        pairs = try c.allKeys.map { key in Pair(key: key.stringValue, value: try c.decode(String.self, forKey: key)) }
    }
}
