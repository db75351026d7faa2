import SluiceCore

/// The `on` of a join: one field name shared by both sides (`"customer_id"`), a pair
/// (`{"left": "cust_id", "right": "customer_id"}`), or an array of either for a key of
/// several fields (`["customer_id", "region"]`, `[{"left": "cid", "right": "id"}, "region"]`).
public struct JoinKeys: Decodable, Sendable, Equatable {
    /// One key field on each side.
    public struct Pair: Sendable, Equatable {
        /// The key field of the records being joined (the left side).
        public var left: String
        /// The key field of the lookup data set (the right side).
        public var right: String

        /// A pair of key fields.
        public init(left: String, right: String) {
            self.left = left
            self.right = right
        }
    }

    /// The key fields, in the order given; never empty.
    public private(set) var pairs: [Pair]
    /// The config path of each right key, for errors found once the lookup data is read:
    /// `on` for a single name, `on.right` for a single pair, `on[i]` or `on[i].right` in an array.
    private(set) var rightPaths: [String]

    /// The first key field of the records (the only one unless the key has several fields).
    public var left: String { pairs[0].left }
    /// The first key field of the lookup data set.
    public var right: String { pairs[0].right }
    /// The key fields of the records, in key order.
    public var leftFields: [String] { pairs.map(\.left) }
    /// The key fields of the lookup data set, in key order.
    public var rightFields: [String] { pairs.map(\.right) }

    /// The same key field on both sides.
    public init(_ name: String) {
        pairs = [Pair(left: name, right: name)]
        rightPaths = ["on"]
    }

    /// Different key fields on each side.
    public init(left: String, right: String) {
        pairs = [Pair(left: left, right: right)]
        rightPaths = ["on.right"]
    }

    /// A key of several fields, each the same on both sides; `nil` when `names` is empty.
    public init?(_ names: [String]) {
        self.init(pairs: names.map { Pair(left: $0, right: $0) })
        rightPaths = names.indices.map { "on[\($0)]" }
    }

    /// A key of several pairs of fields; `nil` when `pairs` is empty.
    public init?(pairs: [Pair]) {
        guard !pairs.isEmpty else { return nil }
        self.pairs = pairs
        rightPaths = pairs.indices.map { "on[\($0)].right" }
    }

    private enum CodingKeys: String, CodingKey { case left, right }

    private static let expected = #"expected a field name, {"left", "right"}, or a non-empty array of them"#

    /// Decodes a non-empty string, an object with non-empty `left` and `right` strings, or a
    /// non-empty array of those.
    public init(from decoder: any Decoder) throws {
        if let (pair, single) = Self.pair(decoder) {
            pairs = [pair]
            rightPaths = [single ? "on" : "on.right"]
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var pairs: [Pair] = []
            var paths: [String] = []
            while !array.isAtEnd {
                let element = try array.superDecoder()
                guard let (pair, single) = Self.pair(element) else {
                    throw DecodingError.dataCorrupted(
                        .init(codingPath: element.codingPath, debugDescription: #"expected a field name or {"left", "right"}"#))
                }
                paths.append(single ? "on[\(pairs.count)]" : "on[\(pairs.count)].right")
                pairs.append(pair)
            }
            if !pairs.isEmpty {
                self.pairs = pairs
                rightPaths = paths
                return
            }
        }
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: Self.expected))
    }

    /// A single name (and `true`) or a `{left, right}` object (and `false`), or `nil`.
    private static func pair(_ decoder: any Decoder) -> (Pair, Bool)? {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self), !name.isEmpty {
            return (Pair(left: name, right: name), true)
        }
        if let object = try? decoder.container(keyedBy: CodingKeys.self),
            let left = try? object.decode(String.self, forKey: .left), !left.isEmpty,
            let right = try? object.decode(String.self, forKey: .right), !right.isEmpty
        {
            return (Pair(left: left, right: right), false)
        }
        return nil
    }

    /// Keys are equal when they name the same fields, however `on` was spelled.
    public static func == (a: JoinKeys, b: JoinKeys) -> Bool { a.pairs == b.pairs }

    /// The config path of the right key of `pair`.
    func rightPath(_ pair: Int) -> String { rightPaths[pair] }
}
