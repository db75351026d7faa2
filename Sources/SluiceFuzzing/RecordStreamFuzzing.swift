import SluiceCore
import SluiceFormats

/// The properties checked on one input of the CSV, NDJSON and JSON-document decoders.
enum RecordStreamFuzzing {
    /// Every format: the pieces the input is fed in change nothing; bytes add up; batches
    /// keep their size; positions increase. CSV and NDJSON: a block-wise (parallel) read
    /// gives the sequential rows, positions and rejections. NDJSON and JSON documents: the
    /// records are what ``JSONParser`` makes of each line or of the document.
    static func run(_ fuzzCase: RecordStreamCase) -> FuzzReport {
        let whole = fuzzCase.decodeWhole()
        let pieces = fuzzCase.decodeInPieces()
        var report = FuzzReport(outcome: whole.summary)
        if whole.error == nil, pieces.error == nil {
            report.check(
                pieces == whole,
                "feeding pieces of \(fuzzCase.pieceSizes) bytes changed the result: \(pieces.summary), whole: \(whole.summary); "
                    + firstDifference(pieces, whole))
        } else {
            report.check(
                pieces.error == whole.error || KnownIssues.documentErrorDependsOnChunks(fuzzCase.format, pieces.error, whole.error),
                "feeding pieces of \(fuzzCase.pieceSizes) bytes changed the error: \(String(describing: pieces.error)) against \(String(describing: whole.error))")
        }
        if whole.error == nil {
            checkShape(whole, fuzzCase, into: &report)
        }
        if fuzzCase.format != .json, fuzzCase.options.firstLine == 1, !KnownIssues.byteOrderMarkStartsBlock(fuzzCase),
            !KnownIssues.headerlessBlocksRenameColumns(fuzzCase, sequential: whole)
        {
            checkBlocks(whole, fuzzCase, into: &report)
        }
        if fuzzCase.format == .ndjson {
            checkLinesAgreeWithParser(whole, fuzzCase, into: &report)
        }
        if fuzzCase.format == .json, fuzzCase.options.recordsPath == nil {
            checkDocumentAgreesWithParser(whole, fuzzCase, into: &report)
        }
        return report
    }

    /// Where two reads first differ, for the violation message.
    static func firstDifference(_ a: DecodedStream, _ b: DecodedStream) -> String {
        if let i = zip(a.rows, b.rows).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            return "row \(i): \(a.rows[i]) against \(b.rows[i])"
        }
        if a.rows.count != b.rows.count { return "\(a.rows.count) rows against \(b.rows.count)" }
        if a.positions != b.positions { return "positions \(a.positions) against \(b.positions)" }
        if a.rejections != b.rejections { return "rejections \(a.rejections) against \(b.rejections)" }
        if a.fields != b.fields { return "fields \(a.fields) against \(b.fields)" }
        return "chunk rows \(a.chunkRows) against \(b.chunkRows), bytes \(a.chunkBytes) against \(b.chunkBytes)"
    }

    /// Bytes add up to the input; no batch is larger than the batch size; row positions
    /// strictly increase; projected reads hold only projected fields.
    static func checkShape(_ decoded: DecodedStream, _ fuzzCase: RecordStreamCase, into report: inout FuzzReport) {
        let total = decoded.chunkBytes.reduce(0, +)
        report.check(total == fuzzCase.data.count, "chunks account for \(total) bytes of \(fuzzCase.data.count)")
        report.check(
            decoded.chunkRows.allSatisfy { $0 <= fuzzCase.options.batchSize },
            "a batch is larger than the batch size \(fuzzCase.options.batchSize): \(decoded.chunkRows)")
        report.check(zip(decoded.positions, decoded.positions.dropFirst()).allSatisfy { $0 < $1 }, "row positions do not increase: \(decoded.positions)")
        if let projection = fuzzCase.options.projection {
            report.check(
                decoded.fields.allSatisfy { $0.allSatisfy(projection.contains) },
                "a projected read has fields outside the projection: \(decoded.fields)")
        }
    }

    /// A parallel read in blocks gives the sequential read's records, positions and rejections.
    static func checkBlocks(_ sequential: DecodedStream, _ fuzzCase: RecordStreamCase, into report: inout FuzzReport) {
        let blocks = BlockwiseRead(format: fuzzCase.format, options: fuzzCase.options, blockBytes: fuzzCase.blockBytes).decode(fuzzCase.data)
        let sameRecords =
            blocks.records.count == sequential.records.count
            && zip(blocks.records, sequential.records).allSatisfy { $0.hasSameFields(as: $1) }
        report.check(
            sameRecords && blocks.positions == sequential.positions && blocks.rejections == sequential.rejections,
            "reading in blocks of \(fuzzCase.blockBytes) bytes differs from reading sequentially: "
                + "\(blocks.records.count) records at \(blocks.positions), rejections \(blocks.rejections.map { $0.reasons }); "
                + "sequentially \(sequential.records.count) records at \(sequential.positions), rejections \(sequential.rejections.map { $0.reasons })")
    }

    /// Each NDJSON line that is valid UTF-8 is a record exactly when ``JSONParser`` reads it
    /// as an object, and then holds that object's (projected) fields; any other non-blank
    /// line is a rejection at its line number.
    static func checkLinesAgreeWithParser(_ decoded: DecodedStream, _ fuzzCase: RecordStreamCase, into report: inout FuzzReport) {
        var records: [Int: ValueObject] = [:]
        for (position, record) in zip(decoded.positions, decoded.records) { records[position] = record }
        let rejected = Set(decoded.rejections.compactMap(\.position))
        var data = fuzzCase.data[...]
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let position = fuzzCase.options.firstLine + index
            var line = rawLine
            if line.last == 0x0D { line = line.dropLast() }
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else {
                report.check(records[position] == nil && !rejected.contains(position), "blank line \(position) was read")
                continue
            }
            guard isValidUTF8(line) else { continue }
            switch try? JSONParser.parse(Array(line)) {
            case .object(let object)?:
                let expected = project(object, fuzzCase.options.projection)
                if let record = records[position] {
                    report.check(
                        record.hasSameFields(as: expected),
                        "line \(position): the decoder read \(JSONText.string(.object(record))), JSONParser \(JSONText.string(.object(expected)))")
                } else {
                    report.violations.append("line \(position): JSONParser reads an object, the decoder \(rejected.contains(position) ? "rejects it" : "lost it")")
                }
            default:
                report.check(
                    rejected.contains(position) && records[position] == nil,
                    "line \(position): not a JSON object for JSONParser, but the decoder \(records[position] != nil ? "read it" : "did not reject it")")
            }
        }
    }

    /// A JSON document (valid UTF-8, no `recordsPath`) fails exactly when ``JSONParser``
    /// rejects it or finds a scalar; otherwise its records are the array's objects (the
    /// other elements rejected at their element number), or a top-level object's only
    /// array-of-objects member, or that object itself.
    static func checkDocumentAgreesWithParser(_ decoded: DecodedStream, _ fuzzCase: RecordStreamCase, into report: inout FuzzReport) {
        var data = fuzzCase.data[...]
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
        guard isValidUTF8(data) else { return }
        let parsed: Value
        do {
            parsed = try JSONParser.parse(Array(data))
        } catch {
            report.check(decoded.error != nil, "JSONParser rejects the document (\(error)) but the decoder read \(decoded.summary)")
            return
        }
        var expected: [(position: Int, record: ValueObject?)] = []
        switch parsed {
        case .array(let items):
            expected = items.enumerated().map { ($0.offset + 1, $0.element.objectValue) }
        case .object(let object):
            let arrays = object.values.compactMap { member -> [ValueObject]? in
                guard case .array(let items) = member else { return nil }
                let records = items.compactMap(\.objectValue)
                return records.count == items.count ? records : nil
            }
            let records = arrays.count == 1 ? arrays[0] : [object]
            expected = records.enumerated().map { ($0.offset + 1, $0.element) }
        default:
            report.check(decoded.error != nil, "the document is a \(parsed.kindName) but the decoder read \(decoded.summary)")
            return
        }
        guard decoded.error == nil else {
            report.violations.append("JSONParser reads the document but the decoder fails: \(decoded.summary)")
            return
        }
        let wantedRecords = expected.compactMap { entry in entry.record.map { (entry.position, project($0, fuzzCase.options.projection)) } }
        let wantedRejections = expected.filter { $0.record == nil }.map(\.position)
        let sameRecords =
            wantedRecords.count == decoded.records.count
            && zip(wantedRecords, zip(decoded.positions, decoded.records)).allSatisfy { want, got in
                want.0 == got.0 && got.1.hasSameFields(as: want.1)
            }
        report.check(
            sameRecords, "the decoder's records differ from JSONParser's: \(decoded.rows.prefix(5)) at \(decoded.positions.prefix(5))")
        report.check(
            decoded.rejections.compactMap(\.position) == wantedRejections,
            "rejected elements \(decoded.rejections.compactMap(\.position)) but JSONParser finds non-objects at \(wantedRejections)")
    }

    /// `object` keeping only the projected keys (all of them without a projection).
    static func project(_ object: ValueObject, _ projection: Set<String>?) -> ValueObject {
        guard let projection else { return object }
        return ValueObject(object.pairs.filter { projection.contains($0.0) })
    }
}
