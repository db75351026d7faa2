import SluiceFormats

/// One worksheet being written: its XML is staged, then deflated as it grows, either straight
/// into the encoder's output (a single sheet) or into a scratch file (sheets split by a field).
final class XLSXSheetStream {
    /// Staged XML is compressed once it reaches this size.
    static let flushBytes = 1 << 20

    let name: String
    /// 1-based sheet number (the part is `xl/worksheets/sheetN.xml`).
    let number: Int
    /// Rows written, the header included.
    private(set) var rows = 0
    private let deflater: RawDeflater
    private var crc = CRC32()
    private var staged: [UInt8] = []
    private let scratch: XLSXScratchFile?
    private var compressed: [UInt8] = []

    init(name: String, number: Int, level: Int, scratch: XLSXScratchFile?) throws {
        self.name = name
        self.number = number
        self.scratch = scratch
        do { deflater = try RawDeflater(level: Int32(truncatingIfNeeded: level)) } catch { throw FormatError("cannot write sheet \"\(name)\": \(error.message)") }
        staged.reserveCapacity(Self.flushBytes + 64 * 1024)
    }

    var part: String { "xl/worksheets/sheet\(number).xml" }
    var uncompressedSize: Int { deflater.totalIn }
    var compressedSize: Int { deflater.totalOut }
    var checksum: UInt32 { crc.value }

    /// Stages raw XML.
    func append(_ bytes: [UInt8]) { staged.append(contentsOf: bytes) }

    /// Starts row `rows + 1` and returns its number, or `nil` when the sheet is full.
    func beginRow() -> Int? {
        guard rows < XLSXLimits.maximumRows else { return nil }
        rows += 1
        XLSXCellXML.append("<row r=\"", to: &staged)
        JSONTextDigits.append(rows, to: &staged)
        XLSXCellXML.append("\">", to: &staged)
        return rows
    }

    /// Appends one cell: `<c r="` + column letters + row number + the cell's encoded rest.
    @inline(__always)
    func appendCell(letters: [UInt8], row: Int, rest: UnsafeRawBufferPointer) {
        XLSXCellXML.append("<c r=\"", to: &staged)
        staged.append(contentsOf: letters)
        JSONTextDigits.append(row, to: &staged)
        staged.append(contentsOf: rest)
    }

    func endRow() { XLSXCellXML.append("</row>", to: &staged) }

    /// Whether enough is staged to compress.
    var shouldFlush: Bool { staged.count >= Self.flushBytes }

    /// Compresses what is staged; the compressed bytes go to `out` (a single sheet) or to the
    /// scratch file. Returns how many bytes were appended to `out`.
    @discardableResult
    func flush(into out: inout [UInt8]) throws -> Int {
        guard !staged.isEmpty else { return 0 }
        staged.withUnsafeBytes { crc.update($0) }
        let before = out.count
        do {
            if scratch == nil {
                try staged.withUnsafeBytes { try deflater.compress($0, into: &out) }
            } else {
                try staged.withUnsafeBytes { try deflater.compress($0, into: &compressed) }
            }
        } catch let failure as RawDeflater.Failure {
            throw FormatError("cannot write sheet \"\(name)\": \(failure.message)")
        }
        staged.removeAll(keepingCapacity: true)
        if let scratch, compressed.count >= Self.flushBytes {
            try scratch.append(compressed)
            compressed.removeAll(keepingCapacity: true)
        }
        return out.count - before
    }

    /// Compresses the rest and ends the deflate stream. Returns the bytes appended to `out`.
    @discardableResult
    func finish(into out: inout [UInt8]) throws -> Int {
        var appended = try flush(into: &out)
        do {
            if let scratch {
                try deflater.finish(into: &compressed)
                try scratch.append(compressed)
                compressed = []
            } else {
                let before = out.count
                try deflater.finish(into: &out)
                appended += out.count - before
            }
        } catch let failure as RawDeflater.Failure {
            throw FormatError("cannot write sheet \"\(name)\": \(failure.message)")
        }
        return appended
    }

    /// Appends the compressed sheet held in the scratch file to `out`.
    func copyScratch(into out: inout [UInt8]) throws {
        try scratch?.copy(into: &out)
    }
}

/// Decimal digits of non-negative counters (row numbers).
enum JSONTextDigits {
    @inline(__always)
    static func append(_ value: Int, to out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(truncatingIfNeeded: value) &+ 0x30)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 {
                d[19 - count] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
                v /= 10
                count += 1
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(20 - count)...]))
        }
    }
}
