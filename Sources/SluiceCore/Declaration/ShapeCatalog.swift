/// Named shapes that others refer to with ``Shape/reference(_:)``: recursive ones (a filter
/// condition holds conditions) and shared ones (a join's `with` is a whole source spec).
/// The JSON Schema writes them under `$defs`.
public struct ShapeCatalog: Sendable {
    /// The shapes by name.
    public private(set) var definitions: [String: Shape]

    public init(_ definitions: [String: Shape] = [:]) {
        self.definitions = definitions
    }

    /// Adds or replaces the shape named `name`.
    public mutating func define(_ name: String, _ shape: Shape) {
        definitions[name] = shape
    }

    /// The shape named `name`.
    public subscript(name: String) -> Shape? { definitions[name] }
}
