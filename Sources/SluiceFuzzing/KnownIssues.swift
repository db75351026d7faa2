import SluiceCore
import SluiceFormats
import SluiceScheduling

/// Divergences the fuzzers found that are reported but not fixed yet (they are outside the
/// parsers' own files). Each predicate recognises exactly one of them, as narrowly as
/// possible, so that fuzzing can go on looking for others; remove it once the issue is fixed.
enum KnownIssues {
    /// A CSV file without a header row, read in blocks (a file source's parallel read), names
    /// its columns anew in every block from the block's first row (FileBlockReader only
    /// carries column names over from a header). Sequentially, the first row of the file
    /// sets the field count; so a row whose field count differs from the first row's is
    /// rejected sequentially but can start a block, and then decides that block's rows
    /// instead. Recognised by: no header, and a field-count rejection in the sequential read.
    static func headerlessBlocksRenameColumns(_ fuzzCase: RecordStreamCase, sequential: DecodedStream) -> Bool {
        fuzzCase.format == .csv && !fuzzCase.options.hasHeader
            && sequential.rejections.contains { $0.reasons.contains { $0.contains(" fields, found ") } }
    }

    /// A UTF-8 byte order mark that is not at the start of the input but at the start of a
    /// block is stripped by that block's decoder (every decoder strips one at its own
    /// start), so the record after it reads differently than sequentially, where the bytes
    /// are data. Recognised by: the byte order mark's bytes anywhere after the input's start.
    static func byteOrderMarkStartsBlock(_ fuzzCase: RecordStreamCase) -> Bool {
        let data = fuzzCase.data
        guard data.count >= 4 else { return false }
        return (1...(data.count - 3)).contains { data[$0] == 0xEF && data[$0 + 1] == 0xBB && data[$0 + 2] == 0xBF }
    }

    /// JSONDocumentDecoder names what it found at the top level by parsing the rest of the
    /// current chunk ("found number" when `2` ends the chunk, "found '2'" when `2x` does),
    /// so that message depends on the chunk sizes. Recognised by: both errors are that message
    /// on the same line.
    static func topLevelKindDependsOnChunk(_ a: FormatError?, _ b: FormatError?) -> Bool {
        let prefix = "expected a JSON array or object at the top level, found "
        guard let a, let b else { return false }
        return a.line == b.line && a.message.hasPrefix(prefix) && b.message.hasPrefix(prefix)
    }
}

extension KnownIssues {
    /// JSONDocumentDecoder reports a malformed element cut by a chunk boundary as
    /// "unexpected end of input" at the element's offset when the whole document says what
    /// is wrong there ("invalid literal" for `nu{`): same line and byte, another message.
    /// Recognised by: both errors at the same byte, one of them "unexpected end of input".
    static func cutElementReportsEndOfInput(_ a: FormatError?, _ b: FormatError?) -> Bool {
        guard let a, let b, a.line == b.line else { return false }
        let endOfInput = ": unexpected end of input"
        guard a.message.hasSuffix(endOfInput) != b.message.hasSuffix(endOfInput) else { return false }
        func place(_ message: String) -> Substring? {
            guard message.hasPrefix("invalid JSON at byte "), let colon = message.firstIndex(of: ":") else { return nil }
            return message[..<colon]
        }
        return place(a.message) != nil && place(a.message) == place(b.message)
    }
}

extension KnownIssues {
    /// A fire time moved by a spring-forward gap (`4 30 2 * * *` in New York on 2024-03-10
    /// fires at 03:00:04 EDT, since 02:30:04 does not exist) is found only from before the
    /// gap: from 03:00:03 EDT the next fire time is the next day's, so a schedule computed
    /// from a moment inside the moved minute skips that day. Recognised by: the zone's
    /// offset grew during the three hours before the fire time.
    static func movedByGap(_ time: Timestamp, in zone: CronTimeZone) -> Bool {
        let threeHoursBefore = Timestamp(microseconds: time.microseconds - 3 * 3_600_000_000)
        return zone.utcOffset(at: time) > zone.utcOffset(at: threeHoursBefore)
    }
}
