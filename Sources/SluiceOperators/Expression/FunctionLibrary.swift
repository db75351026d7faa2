import SluiceCore

/// Every function of the expression language, by name.
enum FunctionLibrary {
    static let functions: [String: FunctionDefinition] = {
        var table: [String: FunctionDefinition] = [:]
        for f in StringFunctions.definitions + MathFunctions.definitions + DateFunctions.definitions + CastFunctions.definitions {
            table[f.name] = f
        }
        return table
    }()

    /// Names handled by the compiler itself rather than the table.
    static let specialForms: Set<String> = ["coalesce", "if"]

    /// Every function name, sorted (for messages and docs).
    static var names: [String] { (Array(functions.keys) + Array(specialForms)).sorted() }
}
