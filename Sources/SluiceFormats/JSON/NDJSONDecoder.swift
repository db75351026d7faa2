import SluiceCore

/// Reads newline-delimited JSON: one object per line (LF or CRLF), blank lines skipped.
///
/// A line that is not valid JSON, or not an object, becomes a rejection carrying the raw
/// line and reading goes on; positions are line numbers. A line whose text is not valid
/// UTF-8 is rejected naming the field, or repaired (see ``JSONRecordAssembler``). Lines are parsed in place; only a
/// line cut by a chunk boundary is copied, once (see ``ChunkedRecordDriver``).
struct NDJSONDecoder: RecordStreamDecoder {
    private var driver: ChunkedRecordDriver<RecordParser>

    init(options: DecodeOptions) {
        driver = ChunkedRecordDriver(parser: RecordParser(options: options))
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws -> [SourceChunk] {
        driver.feed(bytes)
    }

    mutating func finish() throws -> [SourceChunk] {
        driver.finish()
    }
}

extension NDJSONDecoder {
    /// NDJSON's record logic: a record ends at the next line feed, and each line is read
    /// through ``JSONRecordAssembler``.
    struct RecordParser: ChunkedRecordParser {
        private let batchSize: Int
        private var assembler: JSONRecordAssembler
        /// The number of the next line.
        private var line = 1

        /// A parser reading NDJSON as `options` say.
        init(options: DecodeOptions) {
            batchSize = options.batchSize
            assembler = JSONRecordAssembler(
                batchSize: options.batchSize, projection: options.projection, invalidUTF8: options.invalidUTF8)
            line = options.firstLine
        }

        func carriedRecordEnd(in p: UnsafeRawBufferPointer) -> Int? {
            firstLineFeed(p, from: 0).map { $0 + 1 }
        }

        func carryBegan(with carried: UnsafeRawBufferPointer) {}

        mutating func finalBatch() -> RecordBatch {
            assembler.takeBatch()
        }

        mutating func parseRecords(_ p: UnsafeRawBufferPointer, at offset: Int, final: Bool, into output: inout ChunkOutput) -> Int {
            var i = 0
            while i < p.count {
                // A usual line is read in one pass, its end found by the object's reader.
                if p[i] == UInt8(ascii: "{"), let lf = assembler.appendUsualLine(p, at: i, position: line) {
                    line += 1
                    i = lf + 1
                    if assembler.count >= batchSize { output.emit(assembler.takeBatch(), upTo: offset + i) }
                    continue
                }
                guard let lf = firstLineFeed(p, from: i) else { break }
                handleLine(UnsafeRawBufferPointer(rebasing: p[i..<lf]), end: offset + lf + 1, into: &output)
                i = lf + 1
            }
            if final, i < p.count {
                handleLine(UnsafeRawBufferPointer(rebasing: p[i...]), end: offset + p.count, into: &output)
                i = p.count
            }
            return i
        }

        /// Reads one line (without its line feed) that ends at absolute offset `end`.
        private mutating func handleLine(_ raw: UnsafeRawBufferPointer, end: Int, into output: inout ChunkOutput) {
            let number = line
            line += 1
            var bytes = raw
            if let last = bytes.last, last == 0x0D { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
            var first = 0
            while first < bytes.count, bytes[first] == 0x20 || bytes[first] == 0x09 || bytes[first] == 0x0D { first += 1 }
            guard first < bytes.count else { return }
            if bytes[first] == UInt8(ascii: "{") {
                do {
                    let read = try assembler.appendObject(bytes, at: first, position: number, toEnd: true)
                    if !read.refusals.isEmpty {
                        let record = (try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: bytes[first..<read.end]))) ?? .null
                        output.reject(
                            Rejection(
                                record: record, reasons: read.refusals.map { "line \(number): \($0)" }, position: number, stage: "source"))
                    }
                } catch {
                    reject(bytes, line: number, reason: "invalid JSON at byte \(error.offset): \(error.message)", into: &output)
                }
            } else {
                do {
                    let value = try JSONParser.parse(bytes)
                    reject(bytes, line: number, reason: "expected a JSON object, found \(value.kindName)", into: &output)
                } catch {
                    reject(bytes, line: number, reason: "invalid JSON at byte \(error.offset): \(error.message)", into: &output)
                }
            }
            if assembler.count >= batchSize {
                output.emit(assembler.takeBatch(), upTo: end)
            }
        }

        private func reject(_ bytes: UnsafeRawBufferPointer, line: Int, reason: String, into output: inout ChunkOutput) {
            output.reject(
                Rejection(
                    record: .string(String(decoding: bytes, as: UTF8.self)), reasons: ["line \(line): \(reason)"],
                    position: line, stage: "source"))
        }
    }
}
