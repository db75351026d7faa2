import SluiceCore

/// Reads one JSON document of records: a top-level array of objects, streamed element by
/// element, or the array at `recordsPath` inside a top-level object.
///
/// Streaming: elements are parsed in place as they complete; only an element cut by a chunk
/// boundary is copied. With `recordsPath`, the document is held until the array starts (and
/// the usually short rest after it is held to check it); without one, a top-level object is
/// held whole, since only its end tells whether it has exactly one array-of-objects member
/// (its records) or is itself the one record. An array member counts as array-of-objects
/// when every element is an object, an empty array included.
///
/// A non-object element is rejected (`record 5: expected an object, found number`);
/// positions are element numbers from 1. So is a record whose text is not valid UTF-8,
/// naming the field, unless it is to be repaired (see ``JSONRecordAssembler``). A syntax error throws ``FormatError``, since nothing
/// after it can be trusted.
struct JSONDocumentDecoder: RecordStreamDecoder {
    private enum Phase {
        /// Before the first non-space byte.
        case start
        /// Holding a top-level object until the array at `recordsPath` starts.
        case seekingPath
        /// Holding a top-level object whole (no `recordsPath`).
        case holdingObject
        /// Inside the records array.
        case array(ArrayState)
        /// After the array, inside `recordsPath`'s objects: held and checked at the end.
        case trailer
        /// After the top-level array: only spaces may follow.
        case done
    }

    private enum ArrayState {
        case valueOrEnd, value, commaOrEnd
    }

    private let options: DecodeOptions
    private let recordsPath: JSONRecordsPath?
    private var ledger = ChunkLedger()
    private var byteOrderMark = ByteOrderMark()
    private var assembler: JSONRecordAssembler
    private var phase = Phase.start
    /// Absolute offset and line of the next fed byte.
    private var base = 0
    private var line = 1
    /// Document bytes held back (see ``Phase``), from absolute offset `heldBase`, line `heldLine`.
    private var held: [UInt8] = []
    private var heldBase = 0
    private var heldLine = 1
    private var nextAttempt = 0
    /// Objects enclosing the records array.
    private var enclosingDepth = 0
    /// An element cut by a chunk boundary, from its first byte.
    private var carry: [UInt8] = []
    private var carrying = false
    private var carryBase = 0
    private var carryLine = 1
    private var boundary = JSONElementBoundary()
    /// Elements read so far.
    private var elements = 0
    private var chunks: [SourceChunk] = []

    init(options: DecodeOptions) {
        self.options = options
        recordsPath = options.recordsPath.flatMap { $0.isEmpty ? nil : JSONRecordsPath($0) }
        assembler = JSONRecordAssembler(
            batchSize: options.batchSize, projection: options.projection, invalidUTF8: options.invalidUTF8)
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws -> [SourceChunk] {
        ledger.didFeed(bytes.count)
        let outcome = byteOrderMark.take(bytes, final: false)
        base += outcome.skipped
        try outcome.withBytes(of: bytes) { try process($0) }
        defer { chunks = [] }
        return chunks
    }

    mutating func finish() throws -> [SourceChunk] {
        let last = byteOrderMark.take(UnsafeRawBufferPointer(start: nil, count: 0), final: true)
        base += last.skipped
        try last.withBytes(of: UnsafeRawBufferPointer(start: nil, count: 0)) { try process($0) }
        switch phase {
        case .start:
            throw FormatError(line: line, message: "the document is empty; expected a JSON array or object")
        case .seekingPath:
            try attemptPath(final: true)
            if case .array = phase { try finishArray() }
        case .holdingObject:
            try readHeldObject()
        case .array:
            try finishArray()
        case .trailer:
            try checkTrailer()
        case .done:
            break
        }
        if case .trailer = phase { try checkTrailer() }
        if let last = ledger.finalChunk(assembler.takeBatch()) { chunks.append(last) }
        defer { chunks = [] }
        return chunks
    }

    // MARK: Phases

    /// Consumes one fed buffer, which starts at `base` on `line`.
    private mutating func process(_ p: UnsafeRawBufferPointer) throws {
        try consume(p, absoluteBase: base, lineBase: line)
        base += p.count
        line += countLineFeeds(p)
    }

    /// Consumes `p`, whose first byte is at `absoluteBase` on line `lineBase`.
    private mutating func consume(_ p: UnsafeRawBufferPointer, absoluteBase: Int, lineBase: Int) throws {
        var i = 0
        while i < p.count {
            switch phase {
            case .start:
                while i < p.count, isSpace(p[i]) { i += 1 }
                guard i < p.count else { return }
                switch p[i] {
                case UInt8(ascii: "["):
                    if let recordsPath {
                        throw FormatError(line: nil, message: "recordsPath '\(recordsPath.path)' not found: the document is an array, not an object")
                    }
                    phase = .array(.valueOrEnd)
                    i += 1
                case UInt8(ascii: "{"):
                    phase = recordsPath == nil ? .holdingObject : .seekingPath
                    held = Array(UnsafeRawBufferPointer(rebasing: p[i...]))
                    heldBase = absoluteBase + i
                    heldLine = lineBase + countLineFeeds(UnsafeRawBufferPointer(rebasing: p[..<i]))
                    if recordsPath != nil { try attemptPath(final: false) }
                    return
                default:
                    let found = (try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: p[i...])).kindName) ?? "'\(JSONCursor.printable(p[i]))'"
                    throw FormatError(
                        line: lineBase + countLineFeeds(UnsafeRawBufferPointer(rebasing: p[..<i])),
                        message: "expected a JSON array or object at the top level, found \(found)")
                }
            case .seekingPath:
                held.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[i...]))
                if held.count >= nextAttempt { try attemptPath(final: false) }
                return
            case .holdingObject, .trailer:
                held.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[i...]))
                return
            case .array(let state):
                i = try consumeArray(p, from: i, state: state, absoluteBase: absoluteBase, lineBase: lineBase)
            case .done:
                while i < p.count, isSpace(p[i]) { i += 1 }
                if i < p.count {
                    throw syntaxError(
                        JSONScanError(offset: i, message: "unexpected data after the JSON value", truncated: false), in: p,
                        absoluteBase: absoluteBase, lineBase: lineBase)
                }
            }
        }
    }

    /// Looks for the records array in the held bytes; when found, streams from there.
    private mutating func attemptPath(final: Bool) throws {
        guard let recordsPath else { return }
        let document = held
        let location = document.withUnsafeBytes { recordsPath.locate($0, final: final) }
        switch location {
        case .needMore:
            nextAttempt = document.count * 2
        case .missing(let message):
            throw FormatError(line: nil, message: message)
        case .invalid(let error):
            throw document.withUnsafeBytes { syntaxError(error, in: $0, absoluteBase: heldBase, lineBase: heldLine) }
        case .found(let offset, let depth):
            held = []
            enclosingDepth = depth
            phase = .array(.valueOrEnd)
            try document.withUnsafeBytes { raw in
                let before = UnsafeRawBufferPointer(rebasing: raw[..<offset])
                try consume(
                    UnsafeRawBufferPointer(rebasing: raw[offset...]), absoluteBase: heldBase + offset,
                    lineBase: heldLine + countLineFeeds(before))
            }
        }
    }

    /// Streams array elements from `p[start...]`; returns where it stopped (the end of `p`,
    /// or just past the array's `]`).
    private mutating func consumeArray(
        _ p: UnsafeRawBufferPointer, from start: Int, state initial: ArrayState, absoluteBase: Int, lineBase: Int
    ) throws -> Int {
        var i = start
        var state = initial
        defer { if case .array = phase { phase = .array(state) } }
        if carrying {
            guard let end = boundary.findEnd(UnsafeRawBufferPointer(rebasing: p[i...])) else {
                carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[i...]))
                return p.count
            }
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[i..<(i + end)]))
            i += end
            let element = carry
            carry = []
            carrying = false
            try element.withUnsafeBytes { raw in
                let used = try readElement(raw, at: 0, absoluteBase: carryBase, lineBase: carryLine, final: true) ?? raw.count
                if used < raw.count {
                    // The element's parser stopped early (e.g. `12a`): what follows is not `,` or `]`.
                    throw syntaxError(
                        JSONScanError(offset: used, message: "expected ',' or ']' in array", truncated: false), in: raw,
                        absoluteBase: carryBase, lineBase: carryLine)
                }
            }
            state = .commaOrEnd
        }
        while true {
            while i < p.count, isSpace(p[i]) { i += 1 }
            guard i < p.count else { return i }
            let b = p[i]
            switch state {
            case .valueOrEnd, .value:
                if b == UInt8(ascii: "]"), state == .valueOrEnd {
                    endArray()
                    return i + 1
                }
                guard let end = try readElement(p, at: i, absoluteBase: absoluteBase, lineBase: lineBase, final: false) else {
                    startCarry(p, from: i, absoluteBase: absoluteBase, lineBase: lineBase)
                    return p.count
                }
                i = end
                state = .commaOrEnd
            case .commaOrEnd:
                if b == UInt8(ascii: ",") {
                    state = .value
                    i += 1
                } else if b == UInt8(ascii: "]") {
                    endArray()
                    return i + 1
                } else {
                    throw syntaxError(
                        JSONScanError(offset: i, message: "expected ',' or ']' in array", truncated: false), in: p,
                        absoluteBase: absoluteBase, lineBase: lineBase)
                }
            }
        }
    }

    /// Reads the element starting at `p[i]`: an object becomes a row, anything else a
    /// rejection. Returns the offset after it, or `nil` when `p` ends inside it (never when `final`).
    private mutating func readElement(
        _ p: UnsafeRawBufferPointer, at i: Int, absoluteBase: Int, lineBase: Int, final: Bool
    ) throws -> Int? {
        let number = elements + 1
        if p[i] == UInt8(ascii: "{") {
            let read: JSONRecordAssembler.ObjectRead
            do {
                read = try assembler.appendObject(p, at: i, position: number)
            } catch {
                if error.truncated, !final { return nil }
                throw syntaxError(error, in: p, absoluteBase: absoluteBase, lineBase: lineBase)
            }
            elements = number
            rejectRefused(read, in: p, at: i, number: number)
            if assembler.count >= options.batchSize {
                chunks.append(ledger.chunk(assembler.takeBatch(), upTo: absoluteBase + read.end))
            }
            return read.end
        }
        var cursor = JSONCursor(p, at: i)
        do throws(JSONScanError) {
            try cursor.skipValue(depth: 2)
        } catch {
            if error.truncated, !final { return nil }
            throw syntaxError(error, in: p, absoluteBase: absoluteBase, lineBase: lineBase)
        }
        // A number that reaches the end of the buffer may go on in the next chunk.
        if cursor.atEnd, !final, JSONCursor.kindName(startingWith: p[i]) == "number" { return nil }
        let value = (try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: p[i..<cursor.i]))) ?? .null
        elements = number
        ledger.reject(
            Rejection(record: value, reasons: ["record \(number): expected an object, found \(value.kindName)"], position: number, stage: "source"))
        return cursor.i
    }

    private mutating func startCarry(_ p: UnsafeRawBufferPointer, from i: Int, absoluteBase: Int, lineBase: Int) {
        carry = Array(UnsafeRawBufferPointer(rebasing: p[i...]))
        carrying = true
        carryBase = absoluteBase + i
        carryLine = lineBase + countLineFeeds(UnsafeRawBufferPointer(rebasing: p[..<i]))
        boundary = JSONElementBoundary()
        let end = carry.withUnsafeBytes { boundary.findEnd($0) }
        assert(end == nil || end == carry.count, "a carried element is incomplete")
    }

    private mutating func endArray() {
        phase = enclosingDepth == 0 ? .done : .trailer
        held = []
    }

    /// At the end of input inside the array: the document is cut short.
    private mutating func finishArray() throws {
        if carrying {
            let element = carry
            carry = []
            carrying = false
            try element.withUnsafeBytes { raw in
                _ = try readElement(raw, at: 0, absoluteBase: carryBase, lineBase: carryLine, final: true)
            }
        }
        guard case .array = phase else { return }
        throw FormatError(line: line, message: "invalid JSON at byte \(base): unexpected end of input in array")
    }

    private mutating func checkTrailer() throws {
        let trailer = held
        held = []
        phase = .done
        if let error = trailer.withUnsafeBytes({ JSONRecordsPath.checkTrailer($0, depth: enclosingDepth) }) {
            throw trailer.withUnsafeBytes { syntaxError(error, in: $0, absoluteBase: base - trailer.count, lineBase: line - countLineFeeds($0)) }
        }
    }

    /// Sends a record the assembler refused (its text is not valid UTF-8) to the rejections.
    private mutating func rejectRefused(_ read: JSONRecordAssembler.ObjectRead, in p: UnsafeRawBufferPointer, at i: Int, number: Int) {
        guard !read.refusals.isEmpty else { return }
        let record = (try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: p[i..<read.end]))) ?? .null
        ledger.reject(
            Rejection(record: record, reasons: read.refusals.map { "record \(number): \($0)" }, position: number, stage: "source"))
    }

    /// Reads a held top-level object: its only array-of-objects member, or itself as one record.
    private mutating func readHeldObject() throws {
        let document = held
        held = []
        let value: Value
        do {
            value = try JSONParser.parse(document)
        } catch {
            throw document.withUnsafeBytes {
                syntaxError(
                    JSONScanError(offset: error.offset, message: error.message, truncated: false), in: $0, absoluteBase: heldBase,
                    lineBase: heldLine)
            }
        }
        guard case .object(let object) = value else { return }
        let arrays = object.pairs.compactMap { key, member -> (key: String, records: [ValueObject])? in
            guard !options.objectIsOneRecord, case .array(let items) = member else { return nil }
            let records = items.compactMap(\.objectValue)
            return records.count == items.count ? (key, records) : nil
        }
        if options.invalidUTF8 == .reject, document.withUnsafeBytes({ UTF8Validation.firstInvalid($0) }) != nil {
            // Parsing repaired the bad text: read the records from the bytes, which refuses them.
            try document.withUnsafeBytes { try readHeldRecords($0, recordsKey: arrays.count == 1 ? arrays[0].key : nil) }
            phase = .done
            return
        }
        let records = arrays.count == 1 ? arrays[0].records : [object]
        for (index, record) in records.enumerated() {
            assembler.appendRecord(record, position: index + 1)
            if assembler.count >= options.batchSize {
                chunks.append(ledger.chunk(assembler.takeBatch(), upTo: ledger.reported))
            }
        }
        phase = .done
    }

    /// Reads the records of the held top-level object `p` (well-formed JSON) from its bytes:
    /// the elements of its last member named `recordsKey`, or the object itself when `nil`.
    private mutating func readHeldRecords(_ p: UnsafeRawBufferPointer, recordsKey: String?) throws {
        var c = JSONCursor(p, at: 0)
        c.skipSpace()
        guard let recordsKey else {
            try appendHeld(p, at: c.i, number: 1)
            return
        }
        var arrayStart: Int?
        var scratch: [UInt8] = []
        c.i += 1
        while true {
            c.skipSpace()
            guard !c.atEnd, p[c.i] == UInt8(ascii: "\"") else { break }
            scratch.removeAll(keepingCapacity: true)
            let key: String
            switch try c.scanString(into: &scratch) {
            case .raw(let s, let e): key = String(decoding: UnsafeRawBufferPointer(rebasing: p[s..<e]), as: UTF8.self)
            case .decoded(let s, let e): key = String(decoding: scratch[s..<e], as: UTF8.self)
            }
            c.skipSpace()
            c.i += 1  // the ':'
            c.skipSpace()
            if key == recordsKey { arrayStart = c.i }
            try c.skipValue(depth: 2)
            c.skipSpace()
            guard !c.atEnd, p[c.i] == UInt8(ascii: ",") else { break }
            c.i += 1
        }
        guard let arrayStart else { return }
        c.i = arrayStart + 1
        var number = 0
        while true {
            c.skipSpace()
            guard !c.atEnd, p[c.i] == UInt8(ascii: "{") else { break }
            number += 1
            c.i = try appendHeld(p, at: c.i, number: number)
            c.skipSpace()
            guard !c.atEnd, p[c.i] == UInt8(ascii: ",") else { break }
            c.i += 1
        }
    }

    /// Appends the held record at `i` (element `number`); returns the offset after it.
    @discardableResult
    private mutating func appendHeld(_ p: UnsafeRawBufferPointer, at i: Int, number: Int) throws -> Int {
        let read: JSONRecordAssembler.ObjectRead
        do {
            read = try assembler.appendObject(p, at: i, position: number)
        } catch {
            throw syntaxError(error, in: p, absoluteBase: heldBase, lineBase: heldLine)
        }
        rejectRefused(read, in: p, at: i, number: number)
        if assembler.count >= options.batchSize {
            chunks.append(ledger.chunk(assembler.takeBatch(), upTo: ledger.reported))
        }
        return read.end
    }

    /// A ``FormatError`` for a syntax error at `error.offset` of `p`.
    private func syntaxError(_ error: JSONScanError, in p: UnsafeRawBufferPointer, absoluteBase: Int, lineBase: Int) -> FormatError {
        let offset = min(error.offset, p.count)
        let errorLine = lineBase + countLineFeeds(UnsafeRawBufferPointer(rebasing: p[..<offset]))
        return FormatError(line: errorLine, message: "invalid JSON at byte \(absoluteBase + offset): \(error.message)")
    }

    @inline(__always)
    private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}
