import SluiceCore
import SluiceFormats

/// How the body of `POST /ingest/:pipelineId` is read.
public enum IngestFormat: String, Sendable {
    /// One JSON document: an object, which is one record, or an array of records.
    case json
    /// Newline-delimited JSON: one object per line, blank lines skipped.
    case ndjson

    /// The format of a body whose content type names none: NDJSON when its first line holds
    /// a whole JSON object and nothing else (one record per line, which a one-line object also
    /// is), else one JSON document (an array, or an object written over several lines). So
    /// a document cut short or broken on its first line is read as JSON and refused with the
    /// spot, never taken for lines to reject one by one.
    public static func detect(_ body: UnsafeRawBufferPointer) -> IngestFormat {
        var cursor = JSONCursor(body, at: IngestBody.byteOrderMarkLength(body))
        cursor.skipSpace()
        guard !cursor.atEnd, body[cursor.i] == UInt8(ascii: "{") else { return .json }
        var lineEnd = cursor.i
        while lineEnd < body.count, body[lineEnd] != 0x0A { lineEnd += 1 }
        var line = JSONCursor(UnsafeRawBufferPointer(rebasing: body[..<lineEnd]), at: cursor.i)
        do throws(JSONScanError) {
            try line.skipValue(depth: 1)
        } catch {
            return .json
        }
        line.skipSpace()
        return line.atEnd ? .ndjson : .json
    }
}

/// A request body refused before any job runs (HTTP 400): empty, or not a JSON document.
public struct IngestBodyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, with the line and byte offset when there is a spot.
    public let message: String
    public var description: String { message }
}

/// The records of an ingest request's body, decoded before the job starts so that a body
/// that cannot be read is refused as a whole (400) instead of failing a job.
///
/// Decoded by the same readers as data files: a JSON array element or an NDJSON line that is
/// not an object (or whose text is not valid UTF-8, naming the field) is kept as a rejection
/// with its position (element or line number from 1), which the job sends to the dead-letter
/// queue; a JSON document with a syntax error is refused with its line and byte offset.
public struct IngestBody: Sendable {
    /// How the body was read.
    public let format: IngestFormat
    /// The records in batches of the server's batch size, with the rows that were not records.
    let chunks: [SourceChunk]
    /// Records and rejected rows the body held.
    public let received: Int
    /// The body's size in bytes.
    public let byteCount: Int

    /// Decodes `bytes` as `format`, or as ``IngestFormat/detect(_:)`` finds when `nil`, in
    /// batches of `batchSize` records.
    public init(decoding bytes: [UInt8], as format: IngestFormat?, batchSize: Int) throws(IngestBodyError) {
        let isBlank = bytes.withUnsafeBytes { raw in
            var cursor = JSONCursor(raw, at: Self.byteOrderMarkLength(raw))
            cursor.skipSpace()
            return cursor.atEnd
        }
        if isBlank {
            throw IngestBodyError(message: "request body is empty; expected a JSON object, a JSON array of objects or NDJSON lines")
        }
        let format = format ?? bytes.withUnsafeBytes { IngestFormat.detect($0) }
        var options = DecodeOptions(batchSize: batchSize)
        options.objectIsOneRecord = true
        var decoder = makeDecoder(format == .json ? .json : .ndjson, options: options)
        var chunks: [SourceChunk]
        do {
            chunks = try decoder.feed(bytes)
            chunks += try decoder.finish()
        } catch let error as FormatError {
            var message = "request body is not valid JSON: \(error.description)"
            if error.message.contains("unexpected data after the JSON value") {
                message += " (send one object per line as Content-Type: application/x-ndjson)"
            }
            throw IngestBodyError(message: message)
        } catch {
            throw IngestBodyError(message: "request body cannot be read as \(format.rawValue): \(error)")
        }
        self.format = format
        self.chunks = chunks
        received = chunks.reduce(0) { $0 + $1.batch.count + $1.rejected.count }
        byteCount = bytes.count
    }

    /// 3 when `bytes` starts with a UTF-8 byte order mark (which the readers skip), else 0.
    static func byteOrderMarkLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }
}
