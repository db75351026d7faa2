import SluiceCore

extension ColumnChunkBuffer {
    /// Appends rows `rows` of `column` (a batch without the field passes `nil`: all null);
    /// `positions` are the batch's record positions, for messages.
    mutating func append(_ column: Column?, rows: Range<Int>, positions: [Int]) throws {
        guard !rows.isEmpty else { return }
        guard let column else {
            try appendNulls(rows.count, position: positions[rows.lowerBound])
            return
        }
        if try appendFast(column, rows: rows, positions: positions) { return }
        switch column.storage {
        case .ints(let values):
            for row in rows {
                guard column.isPresent(row) else {
                    try appendNulls(1, position: positions[row])
                    continue
                }
                try appendInt(values[row], position: positions[row])
            }
        case .doubles(let values):
            for row in rows {
                guard column.isPresent(row) else {
                    try appendNulls(1, position: positions[row])
                    continue
                }
                try appendDouble(values[row], position: positions[row])
            }
        case .bools(let values):
            for row in rows {
                guard column.isPresent(row) else {
                    try appendNulls(1, position: positions[row])
                    continue
                }
                try appendBool(values[row], position: positions[row])
            }
        case .text(let text):
            try text.bytes.withUnsafeBytes { all in
                for row in rows {
                    guard column.isPresent(row) else {
                        try appendNulls(1, position: positions[row])
                        continue
                    }
                    let range = text.range(row)
                    try appendText(UnsafeRawBufferPointer(rebasing: all[range]), position: positions[row])
                }
            }
        case .dictionary:
            try append(column.flatteningDictionary(), rows: rows, positions: positions)
        case .values(let values):
            for row in rows {
                guard column.isPresent(row) else {
                    try appendNulls(1, position: positions[row])
                    continue
                }
                try appendValue(values[row], position: positions[row])
            }
        }
    }

    /// The common pairs of storage and column type, copied in bulk when no row is null and
    /// row by row without per-value dispatch otherwise: integers to INT64, doubles to DOUBLE,
    /// booleans to BOOLEAN, text to STRING. False when the pair has no fast path.
    private mutating func appendFast(_ column: Column, rows: Range<Int>, positions: [Int]) throws -> Bool {
        switch (column.storage, plan.kind) {
        case (.ints(let values), .int64):
            if column.presence == nil {
                values.withUnsafeBufferPointer { all in
                    UnsafeBufferPointer(rebasing: all[rows]).withMemoryRebound(to: Int64.self) { int64s.append(contentsOf: $0) }
                }
                notePresent(rows.count)
            } else {
                try eachPresent(column, rows: rows, positions: positions) { $0.int64s.append(Int64(values[$1])) }
            }
        case (.doubles(let values), .double):
            if column.presence == nil {
                doubles.append(contentsOf: values[rows])
                notePresent(rows.count)
            } else {
                try eachPresent(column, rows: rows, positions: positions) { $0.doubles.append(values[$1]) }
            }
        case (.bools(let values), .boolean):
            if column.presence == nil {
                booleans.append(contentsOf: values[rows])
                notePresent(rows.count)
            } else {
                try eachPresent(column, rows: rows, positions: positions) { $0.booleans.append(values[$1]) }
            }
        case (.text(let text), .string):
            if column.presence == nil {
                let start = Int(text.offsets[rows.lowerBound])
                let end = Int(text.offsets[rows.upperBound])
                let shift = bytes.count - start
                bytes.append(contentsOf: text.bytes[start..<end])
                for row in rows { offsets.append(Int(text.offsets[row + 1]) + shift) }
                notePresent(rows.count)
            } else {
                try text.bytes.withUnsafeBytes { all in
                    try eachPresent(column, rows: rows, positions: positions) {
                        $0.pushByteArray(UnsafeRawBufferPointer(rebasing: all[text.range($1)]))
                    }
                }
            }
        default:
            return false
        }
        return true
    }

    /// Calls `push` for each present row of `rows` (then counts it) and appends the null ones.
    @inline(__always)
    private mutating func eachPresent(
        _ column: Column, rows: Range<Int>, positions: [Int], _ push: (inout ColumnChunkBuffer, Int) -> Void
    ) throws {
        for row in rows {
            if column.isPresent(row) {
                push(&self, row)
                notePresent()
            } else {
                try appendNulls(1, position: positions[row])
            }
        }
    }

    /// Appends one present value of any kind.
    mutating func appendValue(_ value: Value, position: Int) throws {
        switch value {
        case .null: try appendNulls(1, position: position)
        case .int(let i): try appendInt(i, position: position)
        case .double(let d): try appendDouble(d, position: position)
        case .bool(let b): try appendBool(b, position: position)
        case .string(var s): try s.withUTF8 { try appendText(UnsafeRawBufferPointer($0), position: position) }
        case .timestamp(let t): try appendTimestamp(t, position: position)
        case .array, .object: try appendNested(value, position: position)
        }
    }

    /// Appends an integer.
    mutating func appendInt(_ i: Int, position: Int) throws {
        switch plan.kind {
        case .int64:
            int64s.append(Int64(i))
        case .uint64:
            guard i >= 0 else { throw mismatch("a negative integer", position: position) }
            int64s.append(Int64(i))
        case .int32(let bits, let signed):
            let range = signed ? -(1 << (bits - 1))...((1 << (bits - 1)) - 1) : 0...((1 << bits) - 1)
            guard range.contains(i) else {
                throw mismatch("an integer", position: position, detail: "an integer out of the range of \(plan.typeName)")
            }
            int32s.append(Int32(truncatingIfNeeded: i))
        case .double:
            guard let d = Double(exactly: i) else {
                throw mismatch("an integer", position: position, detail: "an integer beyond 2^53 does not fit exactly")
            }
            doubles.append(d)
        case .float:
            floats.append(Float(i))
        case .string, .json:
            JSONText.appendInt(i, to: &bytes)
            endByteArray()
        case .decimal:
            try appendDecimal(integer: i, position: position)
            return
        case .boolean, .binary, .fixed, .uuid, .date, .time, .timestamp:
            throw mismatch("an integer", position: position)
        }
        notePresent()
    }

    /// Appends a double.
    mutating func appendDouble(_ d: Double, position: Int) throws {
        switch plan.kind {
        case .double:
            doubles.append(d)
        case .float:
            let f = Float(d)
            guard f.isFinite || !d.isFinite else {
                throw mismatch("a floating-point number", position: position, detail: "a number out of the range of float")
            }
            floats.append(f)
        case .string:
            appendDoubleText(d)
            endByteArray()
        case .json:
            guard d.isFinite else {
                throw mismatch("a non-finite number", position: position, detail: "a non-finite number has no JSON form")
            }
            JSONText.appendDouble(d, to: &bytes)
            endByteArray()
        case .decimal:
            try appendDecimal(double: d, position: position)
            return
        case .boolean, .int64, .uint64, .int32, .binary, .fixed, .uuid, .date, .time, .timestamp:
            throw mismatch("a floating-point number", position: position)
        }
        notePresent()
    }

    /// The text of a double in a STRING column: its shortest form, `NaN` and `±Infinity`.
    private mutating func appendDoubleText(_ d: Double) {
        if d.isFinite {
            JSONText.appendDouble(d, to: &bytes)
        } else {
            bytes.append(contentsOf: (d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity").utf8)
        }
    }

    /// Appends a boolean.
    mutating func appendBool(_ b: Bool, position: Int) throws {
        switch plan.kind {
        case .boolean:
            booleans.append(b)
        case .string, .json:
            bytes.append(contentsOf: (b ? "true" : "false").utf8)
            endByteArray()
        default:
            throw mismatch("a boolean", position: position)
        }
        notePresent()
    }

    /// Appends a timestamp.
    mutating func appendTimestamp(_ t: Timestamp, position: Int) throws {
        switch plan.kind {
        case .timestamp(let unit, _):
            int64s.append(try timestampValue(t.microseconds, unit: unit, position: position))
        case .date:
            int32s.append(try dateValue(t.microseconds, position: position))
        case .string:
            t.appendISO8601(to: &bytes)
            endByteArray()
        case .json:
            JSONText.append(.timestamp(t), to: &bytes)
            endByteArray()
        default:
            throw mismatch("a timestamp", position: position)
        }
        notePresent()
    }

    /// Appends an array or object (as compact JSON text).
    mutating func appendNested(_ value: Value, position: Int) throws {
        switch plan.kind {
        case .json, .string:
            JSONText.append(value, to: &bytes)
            endByteArray()
        default:
            throw mismatch(value.arrayValue != nil ? "an array" : "an object", position: position)
        }
        notePresent()
    }

    /// Microseconds since the epoch in `unit`; sub-millisecond digits do not fit millis.
    func timestampValue(_ micros: Int64, unit: TimeUnit, position: Int) throws -> Int64 {
        switch unit {
        case .micros:
            return micros
        case .millis:
            guard micros % 1000 == 0 else {
                throw mismatch("a timestamp", position: position, detail: "a timestamp with microseconds does not fit")
            }
            return micros / 1000
        case .nanos:
            let (nanos, overflow) = micros.multipliedReportingOverflow(by: 1000)
            guard !overflow else {
                throw mismatch("a timestamp", position: position, detail: "a timestamp out of the range of nanoseconds")
            }
            return nanos
        }
    }

    /// Days since the epoch of a timestamp at midnight UTC.
    func dateValue(_ micros: Int64, position: Int) throws -> Int32 {
        let perDay: Int64 = 86_400_000_000
        guard micros % perDay == 0 else {
            throw mismatch("a timestamp", position: position, detail: "a timestamp that is not midnight UTC does not fit")
        }
        // |micros| < 2^63 makes |days| < 1.1e8, well inside Int32.
        return Int32(truncatingIfNeeded: micros / perDay)
    }
}
