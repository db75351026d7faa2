import SluiceCore

/// Reads newline-delimited JSON: one object per line (LF or CRLF), blank lines skipped.
///
/// A line that is not valid JSON, or not an object, becomes a rejection carrying the raw
/// line and reading goes on; positions are line numbers. Lines are parsed in place; only a
/// line cut by a chunk boundary is copied, once.
struct NDJSONDecoder: RecordStreamDecoder {
    private let options: DecodeOptions
    private var ledger = ChunkLedger()
    private var byteOrderMark = ByteOrderMark()
    private var assembler: JSONRecordAssembler
    /// Absolute offset of the first byte of the next buffer handed to `process`.
    private var base = 0
    /// The number of the next line.
    private var line = 1
    private var carry: [UInt8] = []
    private var carrying = false
    private var chunks: [SourceChunk] = []

    init(options: DecodeOptions) {
        self.options = options
        assembler = JSONRecordAssembler(batchSize: options.batchSize, projection: options.projection)
        line = options.firstLine
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws -> [SourceChunk] {
        ledger.didFeed(bytes.count)
        let outcome = byteOrderMark.take(bytes, final: false)
        base += outcome.skipped
        outcome.withBytes(of: bytes) { process($0) }
        defer { chunks = [] }
        return chunks
    }

    mutating func finish() throws -> [SourceChunk] {
        let last = byteOrderMark.take(UnsafeRawBufferPointer(start: nil, count: 0), final: true)
        base += last.skipped
        last.withBytes(of: UnsafeRawBufferPointer(start: nil, count: 0)) { process($0) }
        if carrying {
            let last = carry
            carry = []
            carrying = false
            last.withUnsafeBytes { handleLine($0, end: base) }
        }
        if let last = ledger.finalChunk(assembler.takeBatch()) { chunks.append(last) }
        defer { chunks = [] }
        return chunks
    }

    private mutating func process(_ p: UnsafeRawBufferPointer) {
        var i = 0
        if carrying {
            guard let lf = firstLineFeed(p, from: 0) else {
                carry.append(contentsOf: p)
                base += p.count
                return
            }
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[0..<lf]))
            let whole = carry
            carry = []
            carrying = false
            whole.withUnsafeBytes { handleLine($0, end: base + lf + 1) }
            i = lf + 1
        }
        while let lf = firstLineFeed(p, from: i) {
            handleLine(UnsafeRawBufferPointer(rebasing: p[i..<lf]), end: base + lf + 1)
            i = lf + 1
        }
        if i < p.count {
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[i...]))
            carrying = true
        }
        base += p.count
    }

    /// Reads one line (without its line feed) that ends at absolute offset `end`.
    private mutating func handleLine(_ raw: UnsafeRawBufferPointer, end: Int) {
        let number = line
        line += 1
        var bytes = raw
        if let last = bytes.last, last == 0x0D { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        var first = 0
        while first < bytes.count, bytes[first] == 0x20 || bytes[first] == 0x09 || bytes[first] == 0x0D { first += 1 }
        guard first < bytes.count else { return }
        if bytes[first] == UInt8(ascii: "{") {
            do {
                _ = try assembler.appendObject(bytes, at: first, position: number, toEnd: true)
            } catch {
                reject(bytes, line: number, reason: "invalid JSON at byte \(error.offset): \(error.message)")
            }
        } else {
            do {
                let value = try JSONParser.parse(bytes)
                reject(bytes, line: number, reason: "expected a JSON object, found \(value.kindName)")
            } catch {
                reject(bytes, line: number, reason: "invalid JSON at byte \(error.offset): \(error.message)")
            }
        }
        if assembler.count >= options.batchSize {
            chunks.append(ledger.chunk(assembler.takeBatch(), upTo: end))
        }
    }

    private mutating func reject(_ bytes: UnsafeRawBufferPointer, line: Int, reason: String) {
        ledger.reject(
            Rejection(
                record: .string(String(decoding: bytes, as: UTF8.self)), reasons: ["line \(line): \(reason)"],
                position: line, stage: "source"))
    }
}
