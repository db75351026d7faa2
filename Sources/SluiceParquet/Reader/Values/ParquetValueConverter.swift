import SluiceCore
import SluiceFormats

/// Converts a leaf column's decoded values into ``ParquetColumnValues`` by its
/// ``ParquetValueConversion``, taking direct paths (no scratch buffer) for the common cases:
/// PLAIN integers and doubles, PLAIN strings, and dictionary pages.
struct ParquetValueConverter {
    let conversion: ParquetValueConversion
    let physical: ParquetPhysicalType
    /// The length of fixed-length byte arrays (12 for INT96), else 0.
    let typeLength: Int
    /// The field's name in messages (dotted path for nested fields).
    let field: String
    let invalidUTF8: InvalidUTF8Handling

    init(conversion: ParquetValueConversion, physical: ParquetPhysicalType, typeLength: Int, field: String, invalidUTF8: InvalidUTF8Handling) {
        self.conversion = conversion
        self.physical = physical
        self.typeLength = physical == .int96 ? 12 : typeLength
        self.field = field
        self.invalidUTF8 = invalidUTF8
    }

    /// Decodes `count` values with `decoder` and appends them converted to `out`.
    func decode(
        _ count: Int, with decoder: inout PageValueDecoder, _ p: UnsafeRawBufferPointer,
        dictionary: ParquetColumnValues?, scratch: inout ParquetPhysicalValues, indices: inout [UInt32],
        into out: inout ParquetColumnValues
    ) throws {
        guard count > 0 else { return }
        if case .dictionary = decoder {} else { out.materializeCodes() }
        switch decoder {
        case .dictionary(var d):
            guard let dictionary else { throw ParquetDecodeError("a dictionary-encoded page comes without a dictionary page") }
            decoder = .idle
            defer { decoder = .dictionary(d) }
            if indices.count < count { indices = [UInt32](repeating: 0, count: count) }
            try indices.withUnsafeMutableBufferPointer { buffer throws(ParquetDecodeError) in
                guard let base = buffer.baseAddress else { return }
                try d.read(count, p, into: base)
                try out.gather(UnsafeBufferPointer(rebasing: buffer[0..<count]), from: dictionary)
            }
            return
        case .plain(var d) where out.kind == conversion.kind:
            switch (physical, conversion) {
            case (.int64, .signed):
                decoder = .idle
                defer { decoder = .plain(d) }
                return try d.readInt64(count, p, into: &out.ints)
            case (.int32, .signed):
                decoder = .idle
                defer { decoder = .plain(d) }
                return try d.readInt32(count, p, into: &out.ints)
            case (.double, .float):
                decoder = .idle
                defer { decoder = .plain(d) }
                return try d.readDouble(count, p, into: &out.doubles)
            case (.byteArray, .string):
                decoder = .idle
                defer { decoder = .plain(d) }
                return try d.forEachByteArray(count, p) { appendString($0, to: &out) }
            default:
                break
            }
        default:
            break
        }
        scratch.removeAll()
        try decoder.decode(count, physical: physical, typeLength: typeLength, p, into: &scratch)
        convert(scratch, into: &out)
    }

    /// Converts every value in `v` (as decoded from one page or a dictionary page).
    func convert(_ v: ParquetPhysicalValues, into out: inout ParquetColumnValues) {
        switch conversion {
        case .bool:
            if out.kind == .bools { out.bools.append(contentsOf: v.bools) } else { for b in v.bools { out.appendValue(.bool(b)) } }
        case .signed:
            if out.kind == .ints {
                out.ints.append(contentsOf: v.ints.lazy.map { Int($0) })
            } else {
                for x in v.ints { out.appendValue(.int(Int(x))) }
            }
        case .unsigned32:
            for x in v.ints { appendInt(Int(UInt32(truncatingIfNeeded: x)), to: &out) }
        case .unsigned64:
            for x in v.ints {
                if x >= 0 { appendInt(Int(x), to: &out) } else { out.appendValue(.string(String(UInt64(bitPattern: x)))) }
            }
        case .float:
            if out.kind == .doubles { out.doubles.append(contentsOf: v.doubles) } else { for d in v.doubles { out.appendValue(.double(d)) } }
        case .float16:
            for i in 0..<v.byteArrayCount {
                let half = v.withBytes(at: i) { $0.count == 2 ? UInt16($0[0]) | UInt16($0[1]) << 8 : 0x7E00 }
                let value = ParquetTextForms.halfToDouble(half)
                if out.kind == .doubles { out.doubles.append(value) } else { out.appendValue(.double(value)) }
            }
        case .string:
            for i in 0..<v.byteArrayCount { v.withBytes(at: i) { appendString($0, to: &out) } }
        case .binary:
            for i in 0..<v.byteArrayCount {
                v.withBytes(at: i) { bytes in appendText(&out) { ParquetTextForms.appendBase64(bytes, to: &$0) } }
            }
        case .uuid:
            for i in 0..<v.byteArrayCount {
                v.withBytes(at: i) { bytes in
                    if bytes.count != 16 { return out.appendInvalid("field '\(field)': a UUID of \(bytes.count) bytes, not 16") }
                    appendText(&out) { _ = ParquetTextForms.appendUUID(bytes, to: &$0) }
                }
            }
        case .json:
            for i in 0..<v.byteArrayCount { v.withBytes(at: i) { appendJSON($0, to: &out) } }
        case .date:
            for x in v.ints {
                if let t = ParquetTemporal.date(days: x) { appendObject(.timestamp(t), to: &out) } else {
                    out.appendInvalid("field '\(field)': the date \(x) days from 1970 is out of range")
                }
            }
        case .time(let unit):
            for x in v.ints {
                guard let micros = ParquetTemporal.microseconds(x, unit: unit), micros >= 0, micros < ParquetTemporal.microsecondsPerDay else {
                    out.appendInvalid("field '\(field)': the time of day \(x) \(unit) is out of range")
                    continue
                }
                appendText(&out) { _ = ParquetTemporal.appendTime(micros: micros, to: &$0) }
            }
        case .timestamp(let unit):
            for x in v.ints {
                if let micros = ParquetTemporal.microseconds(x, unit: unit) {
                    appendObject(.timestamp(Timestamp(microseconds: micros)), to: &out)
                } else {
                    out.appendInvalid("field '\(field)': the timestamp \(x) \(unit) is out of range")
                }
            }
        case .int96:
            for i in 0..<v.byteArrayCount {
                if let t = v.withBytes(at: i, { ParquetTemporal.int96($0) }) {
                    appendObject(.timestamp(t), to: &out)
                } else {
                    out.appendInvalid("field '\(field)': an INT96 timestamp is out of range")
                }
            }
        case .decimal(let scale):
            if physical == .int32 || physical == .int64 {
                for x in v.ints { appendObject(ParquetDecimal.value(unscaled: x, scale: scale), to: &out) }
            } else {
                for i in 0..<v.byteArrayCount {
                    if let value = v.withBytes(at: i, { ParquetDecimal.value(bigEndian: $0, scale: scale) }) {
                        appendObject(value, to: &out)
                    } else {
                        let width = v.offsets[i + 1] - v.offsets[i]
                        out.appendInvalid("field '\(field)': a decimal of \(width) bytes (at most \(ParquetReadLimits.maximumDecimalBytes) are read)")
                    }
                }
            }
        }
    }

    @inline(__always)
    private func appendInt(_ value: Int, to out: inout ParquetColumnValues) {
        if out.kind == .ints { out.ints.append(value) } else { out.appendValue(.int(value)) }
    }

    @inline(__always)
    private func appendObject(_ value: Value, to out: inout ParquetColumnValues) {
        if out.kind == .values { out.values.append(value) } else { out.appendValue(value) }
    }

    /// Appends text written by `write` into the text bytes (or, for a column already in
    /// `[Value]` storage, as a string value).
    @inline(__always)
    private func appendText(_ out: inout ParquetColumnValues, _ write: (inout [UInt8]) -> Void) {
        if out.kind == .text {
            write(&out.textBytes)
            out.endText()
        } else {
            var bytes: [UInt8] = []
            write(&bytes)
            out.appendValue(.string(String(decoding: bytes, as: UTF8.self)))
        }
    }

    /// Appends a UTF-8 string value, checked (refused or repaired when ill-formed).
    @inline(__always)
    func appendString(_ bytes: UnsafeRawBufferPointer, to out: inout ParquetColumnValues) {
        if let bad = UTF8Validation.firstInvalid(bytes) {
            let repaired = UTF8Validation.repaired(bytes)
            switch invalidUTF8 {
            case .reject:
                // The repaired text stands in, so the refused record shows what could be read.
                out.invalid.append((out.count, UTF8Validation.reason(field: field, offset: bad)))
            case .replace:
                break
            }
            repaired.withUnsafeBytes { repairedBytes in appendText(&out) { $0.append(contentsOf: repairedBytes) } }
            return
        }
        if out.kind == .text {
            out.appendText(bytes)
        } else {
            out.appendValue(.string(String(decoding: bytes, as: UTF8.self)))
        }
    }

    private func appendJSON(_ bytes: UnsafeRawBufferPointer, to out: inout ParquetColumnValues) {
        do {
            appendObject(try JSONParser.parse(bytes), to: &out)
        } catch {
            out.appendInvalid("field '\(field)': invalid JSON: \(error)")
        }
    }
}
