import SluiceCore

/// One declared field of a schema, compiled: its type, null policy and validators.
///
/// A rule checks a whole column at once, with typed fast paths for the usual layouts (an int
/// column for a number field, a text column for a string field) and a `Value` path for the rest.
struct FieldRule: Sendable {
    let name: String
    let type: FieldType
    /// Whether null or absence is reported for this field (non-nullable and not already
    /// reported as a missing required field).
    let reportsNull: Bool
    let validators: [CompiledValidator]
    /// `custom` validators: expressions over the field's `value`, run on the whole column.
    var customChecks: [CustomCheck] = []

    /// `Field id: must not be null`.
    var nullReason: String { "Field \(name): must not be null" }

    /// Checks `column` (`nil` when the batch lacks the field) over `count` rows, adding every
    /// failure to `reasons`; returns the coerced column when any value had to be rewritten.
    func check(_ column: Column?, count: Int, strict: Bool, reasons: inout RowReasons) -> Column? {
        let coerced = checkTypeAndValidators(column, count: count, strict: strict, reasons: &reasons)
        if let checked = coerced ?? column {
            for custom in customChecks { custom.check(checked, field: name, count: count, reasons: &reasons) }
        }
        return coerced
    }

    /// The type check and the built-in validators (see ``check(_:count:strict:reasons:)``).
    private func checkTypeAndValidators(_ column: Column?, count: Int, strict: Bool, reasons: inout RowReasons) -> Column? {
        guard let column else {
            if reportsNull { for row in 0..<count { reasons.add(nullReason, row: row) } }
            return nil
        }
        if reportsNull, let presence = column.presence {
            for row in 0..<count where presence[row] != .present { reasons.add(nullReason, row: row) }
        }
        switch (type, column.storage) {
        case (.number, .ints(let a)):
            if !validators.isEmpty {
                checkNumbers(column, count: count, reasons: &reasons, number: { Double(a[$0]) }, value: { .int(a[$0]) })
            }
            return nil
        case (.number, .doubles(let a)):
            if !validators.isEmpty {
                checkNumbers(column, count: count, reasons: &reasons, number: { a[$0] }, value: { .double(a[$0]) })
            }
            return nil
        case (.number, .text(let t)) where !strict:
            return coerceNumbers(t, column, count: count, reasons: &reasons)
        case (.string, .text(let t)):
            if !validators.isEmpty { checkText(t, column, count: count, reasons: &reasons) }
            return nil
        case (.date, .text(let t)):
            checkDates(t, column, count: count, reasons: &reasons)
            return nil
        default:
            return checkValues(column, count: count, strict: strict, reasons: &reasons)
        }
    }

    /// Runs the validators of a number field over a typed numeric column, one validator at a
    /// time so each check is chosen once per batch rather than once per row.
    @inline(__always)
    private func checkNumbers(
        _ column: Column, count: Int, reasons: inout RowReasons,
        number: (Int) -> Double, value: (Int) -> Value
    ) {
        for validator in validators {
            switch validator.check {
            case .min(let bound, _):
                for row in 0..<count where number(row) < bound && column.isPresent(row) {
                    if let failure = validator.numberFailure(number(row), text: value(row).plainText, field: name) {
                        reasons.add(failure, row: row)
                    }
                }
            case .max(let bound, _):
                for row in 0..<count where number(row) > bound && column.isPresent(row) {
                    if let failure = validator.numberFailure(number(row), text: value(row).plainText, field: name) {
                        reasons.add(failure, row: row)
                    }
                }
            case .pattern:
                continue
            case .oneOf:
                for row in 0..<count where column.isPresent(row) {
                    if let failure = validator.failure(value(row), field: name) { reasons.add(failure, row: row) }
                }
            }
        }
    }

    /// Runs the validators of a string field over a text column, comparing bytes where it can.
    private func checkText(_ t: TextColumn, _ column: Column, count: Int, reasons: inout RowReasons) {
        t.bytes.withUnsafeBytes { bytes in
            for validator in validators {
                switch validator.check {
                case .min, .max:
                    for row in 0..<count where column.isPresent(row) {
                        let cell = UnsafeRawBufferPointer(rebasing: bytes[t.range(row)])
                        let length = cell.allSatisfy { $0 < 0x80 } ? cell.count : String(decoding: cell, as: UTF8.self).count
                        if let failure = validator.lengthFailure(length, field: name) { reasons.add(failure, row: row) }
                    }
                case .pattern:
                    for row in 0..<count where column.isPresent(row) {
                        if let failure = validator.patternFailure(t.string(at: row), field: name) {
                            reasons.add(failure, row: row)
                        }
                    }
                case .oneOf(_, let utf8):
                    for row in 0..<count where column.isPresent(row) {
                        let cell = UnsafeRawBufferPointer(rebasing: bytes[t.range(row)])
                        if !utf8.contains(where: { Self.equal($0, cell) }) {
                            reasons.add(validator.enumFailure(.string(t.string(at: row)), field: name), row: row)
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func equal(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && a.withUnsafeBytes { LooseComparison.compareBytes($0, b) == 0 }
    }

    /// Checks that text in a date field parses as ISO 8601 (values are left as written).
    private func checkDates(_ t: TextColumn, _ column: Column, count: Int, reasons: inout RowReasons) {
        for row in 0..<count where column.isPresent(row) {
            let parses = t.withBytes(at: row) { Timestamp.parse($0.assumingMemoryBound(to: UInt8.self)) != nil }
            guard parses else {
                reasons.add(Coercion.mismatchReason(field: name, type: type, got: "string"), row: row)
                continue
            }
            if !validators.isEmpty { runValidators(.string(t.string(at: row)), row: row, reasons: &reasons) }
        }
    }

    /// Parses a text column in a number field (non-strict mode): `"42"` → 42, `"4.5"` → 4.5.
    private func coerceNumbers(_ t: TextColumn, _ column: Column, count: Int, reasons: inout RowReasons) -> Column {
        var builder = ColumnBuilder(capacity: count)
        for row in 0..<count {
            guard column.isPresent(row) else {
                builder.append(from: column, row: row)
                continue
            }
            guard let number = t.withBytes(at: row, { NumberText.parse($0) }) else {
                reasons.add(Coercion.mismatchReason(field: name, type: type, got: "string"), row: row)
                builder.appendNull()  // placeholder: the row is rejected
                continue
            }
            builder.append(number.value)
            if !validators.isEmpty { runValidators(number.value, row: row, reasons: &reasons) }
        }
        return builder.build()
    }

    /// The general path: each present value is coerced (or refused), then validated.
    private func checkValues(_ column: Column, count: Int, strict: Bool, reasons: inout RowReasons) -> Column? {
        var copy = LazyColumnCopy(column)
        for row in 0..<count {
            guard column.isPresent(row) else {
                copy.keep(row)
                continue
            }
            let value = column.value(at: row)
            switch Coercion.of(value, to: type, strict: strict) {
            case .keep:
                copy.keep(row)
                runValidators(value, row: row, reasons: &reasons)
            case .replace(let coerced):
                copy.replace(row, with: coerced)
                runValidators(coerced, row: row, reasons: &reasons)
            case .mismatch:
                copy.keep(row)
                reasons.add(Coercion.mismatchReason(field: name, type: type, got: value.kindName), row: row)
            }
        }
        return copy.build()
    }

    @inline(__always)
    private func runValidators(_ value: Value, row: Int, reasons: inout RowReasons) {
        for validator in validators {
            if let failure = validator.failure(value, field: name) { reasons.add(failure, row: row) }
        }
    }
}
