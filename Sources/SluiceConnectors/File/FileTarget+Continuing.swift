import SluiceCodecs
import SluiceCore

/// A continuous job's micro-batches after the first append to the file in place, so each
/// commit costs what the micro-batch costs, never a copy of the file (``InPlaceAppendSink``).
extension FileTarget: ContinuingTarget {
    /// The same file, appended to in place: a local, unpartitioned NDJSON or CSV file (CSV
    /// with the same delimiter and no header row unless the file is empty), plain or gzip or
    /// zstd compressed (each micro-batch one more member or frame). Throws a ``SpecError`` for
    /// what cannot be appended to in place: a JSON document, Parquet, Avro or XLSX, bzip2, an
    /// object in a store, or `partitionBy`.
    public func continuing() throws -> any Target {
        let why = "a continuous job appends each micro-batch to the file"
        if remote != nil {
            throw SpecError(
                path: "path",
                "\(why); an object in S3, Google Cloud Storage or Azure Blob cannot be appended to in place (every upload replaces the whole object): write to a local file")
        }
        if config.partitionBy != nil {
            throw SpecError(
                path: "partitionBy",
                "\(why); with partitionBy every micro-batch would add a new file to each partition it touches, filling the folders with small files: write one ndjson or csv file without partitionBy")
        }
        switch options.format {
        case .ndjson, .csv:
            break
        case .json:
            throw SpecError(path: "format", "\(why); a JSON document cannot be appended to in place: use ndjson")
        case .parquet:
            throw SpecError(path: "format", "\(why); a parquet file cannot be appended to in place (its footer describes the whole file): use ndjson or csv")
        case .avro:
            throw SpecError(path: "format", "\(why); an avro file cannot be appended to in place (Sluice writes it whole, after one schema header): use ndjson or csv")
        case .xlsx:
            throw SpecError(path: "format", "\(why); an xlsx file cannot be appended to in place (it is a zip archive whose directory comes last): use ndjson or csv")
        }
        if options.compression.codec(forName: config.path) == .bzip2 {
            throw SpecError(path: "compression", "\(why); Sluice does not write bzip2: use gzip or zstd, or none")
        }
        var next = self
        next.appendsInPlace = true
        return next
    }

    /// Opens one micro-batch's append: authorizes the file again, holds it at its length and
    /// writes after it.
    func openInPlace(batchSize: Int?) async throws -> any TargetWriter {
        let real = try authorizeLocalFile(path, shown: configuredPath)
        let shown = DataRoots.describe(real, given: configuredPath)
        let sink = try InPlaceAppendSink(path: real, shown: shown, scratch: scratch, jobId: jobId)
        let codec = options.compression.codec(forName: real)
        let writer: FileTargetWriter
        do {
            writer = FileTargetWriter(
                sink: sink, finalPath: real, format: options.format, flushRows: batchSize ?? defaultBatchSize,
                compressor: try codec?.makeCompressor())
        } catch {
            await sink.abort()
            throw ConnectorError.io("cannot append to \(shown): \(error)")
        }
        writer.startContinuing(
            length: sink.length, lastByte: codec == nil ? sink.lastByte : nil, delimiter: options.delimiter, header: header)
        return writer
    }
}
