/// Simple case folding for `(?i)`: the "orbit" of a scalar is every scalar with the same simple
/// case folding (`k`, `K` and the Kelvin sign `K`; `s`, `S` and `ſ`; `σ`, `ς` and `Σ`), as
/// RE2 matches case-insensitively.
///
/// The orbits are derived once from the standard library's Unicode case mappings: scalars
/// joined by a single-scalar lowercase, uppercase or titlecase mapping share an orbit. The
/// Turkic dotted and dotless i (U+0130, U+0131) are left out, as simple case folding does.
enum CaseFolding {
    /// Every scalar that has case equivalents, sorted, and the orbit of each (sorted, itself
    /// included).
    private static let table: (cased: [UInt32], orbits: [UInt32: [UInt32]]) = build()

    /// The scalars equivalent to `scalar` under case folding, itself included.
    static func orbit(of scalar: UInt32) -> [UInt32] {
        table.orbits[scalar] ?? [scalar]
    }

    /// The scalars of `range` that have case equivalents, in order.
    static func casedScalars(in range: ClosedRange<UInt32>) -> ArraySlice<UInt32> {
        let cased = table.cased
        var low = 0
        var high = cased.count
        while low < high {
            let middle = (low + high) / 2
            if cased[middle] < range.lowerBound { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < cased.count, cased[end] <= range.upperBound { end += 1 }
        return cased[low..<end]
    }

    /// Cased letters all lie below this bound (the last are Adlam's, near U+1E94B).
    private static let scanLimit: UInt32 = 0x20000
    /// The Turkic letters whose mappings are not simple case folding.
    private static let excluded: Set<UInt32> = [0x130, 0x131]

    private static func build() -> (cased: [UInt32], orbits: [UInt32: [UInt32]]) {
        // Union-find over the scalars joined by a one-scalar case mapping.
        var parent: [UInt32: UInt32] = [:]
        func root(_ scalar: UInt32) -> UInt32 {
            var current = scalar
            while let up = parent[current], up != current { current = up }
            return current
        }
        func join(_ a: UInt32, _ b: UInt32) {
            let ra = root(a)
            let rb = root(b)
            parent[ra] = parent[ra] ?? ra
            parent[rb] = parent[rb] ?? rb
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        for value in 0..<scanLimit where !excluded.contains(value) {
            guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenCaseMapped else { continue }
            let properties = scalar.properties
            for mapping in [properties.lowercaseMapping, properties.uppercaseMapping, properties.titlecaseMapping] {
                let scalars = mapping.unicodeScalars
                guard scalars.count == 1, let other = scalars.first?.value, other != value, !excluded.contains(other) else { continue }
                join(value, other)
            }
        }
        var groups: [UInt32: [UInt32]] = [:]
        for scalar in parent.keys { groups[root(scalar), default: []].append(scalar) }
        var orbits: [UInt32: [UInt32]] = [:]
        for members in groups.values where members.count > 1 {
            let sorted = members.sorted()
            for member in sorted { orbits[member] = sorted }
        }
        return (orbits.keys.sorted(), orbits)
    }
}
