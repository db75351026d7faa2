import SluiceCore

/// The `on` of a join: one field name shared by both sides (`"customer_id"`), or a pair
/// (`{"left": "cust_id", "right": "customer_id"}`).
public struct JoinKeys: Decodable, Sendable, Equatable {
    /// The key field of the records being joined (the left side).
    public var left: String
    /// The key field of the lookup data set (the right side).
    public var right: String
    /// Whether `on` was a single name, so that errors about the right key point at `on`
    /// rather than at an `on.right` the user never wrote.
    private(set) var isSingleName: Bool

    /// The same key field on both sides.
    public init(_ name: String) {
        left = name
        right = name
        isSingleName = true
    }

    /// Different key fields on each side.
    public init(left: String, right: String) {
        self.left = left
        self.right = right
        isSingleName = false
    }

    private enum CodingKeys: String, CodingKey { case left, right }

    /// Decodes a non-empty string or an object with non-empty `left` and `right` strings.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self), !name.isEmpty {
            self.init(name)
            return
        }
        if let object = try? decoder.container(keyedBy: CodingKeys.self),
            let left = try? object.decode(String.self, forKey: .left), !left.isEmpty,
            let right = try? object.decode(String.self, forKey: .right), !right.isEmpty
        {
            self.init(left: left, right: right)
            return
        }
        throw DecodingError.dataCorrupted(
            .init(codingPath: decoder.codingPath, debugDescription: #"expected a field name or {"left", "right"}"#))
    }

    /// Keys are equal when they name the same fields, however `on` was spelled.
    public static func == (a: JoinKeys, b: JoinKeys) -> Bool { a.left == b.left && a.right == b.right }

    /// The config path of the right key, for errors found once the lookup data is read.
    var rightPath: String { isSingleName ? "on" : "on.right" }
}
