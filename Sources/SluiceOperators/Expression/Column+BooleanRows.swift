import SluiceCore

extension Column {
    /// The rows among `rows` whose value is the boolean `wanted` (null, absent and
    /// non-booleans are neither), read from typed storage when the column has it.
    func rows(equalTo wanted: Bool, among rows: [Int]) -> [Int] {
        if case .bools(let values) = storage {
            return rows.filter { values[$0] == wanted && isPresent($0) }
        }
        let wantedValue = Value.bool(wanted)
        return rows.filter { isPresent($0) && value(at: $0) == wantedValue }
    }
}
