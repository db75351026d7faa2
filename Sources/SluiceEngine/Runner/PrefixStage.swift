import SluiceCore
import SluiceOperators

/// The stages that handle each batch on its own — validation and the stateless transforms
/// before the first stateful one — run on any worker, on many blocks at once.
struct PrefixStage: Sendable {
    let validator: SchemaValidator?
    /// The leading stateless steps, with their spec paths for rejections and failures.
    let steps: [(path: String, operation: String, transform: any StatelessTransform)]
    /// Encodes the prefix's output for the target, when nothing stateful follows and the
    /// target's format allows it (so serialization runs on the workers too).
    var encode: (@Sendable (RecordBatch) -> [UInt8])?
    /// The stateful step right after the prefix, when block states can be merged (an
    /// aggregate): ``run(block:)`` then consumes each block into its own state on the worker.
    var mergeable: (path: String, operation: String, step: any StatefulStep)?
    /// The watermark filter of an incremental run, applied to each chunk before validation.
    var incremental: IncrementalCut?

    /// What the prefix made of one source chunk.
    struct Output: Sendable {
        var batch: RecordBatch
        var rejected: [Rejection]
        /// Rows and unparsable records read from the source.
        var extracted: Int
        var bytes: Int
        /// The fields entering each prefix step (nil where the batch was empty).
        var fields: [[String]?]
        var transformTime: Duration
        /// The batch encoded for the target (see ``PrefixStage/encode``).
        var encoded: [UInt8]?
        var encodeTime: Duration = .zero
        /// Whether the mergeable stateful step already consumed `batch` on the worker; `batch`
        /// is then what that step emitted.
        var consumedByStateful = false
        /// The block's state for the mergeable step, on the block's last output.
        var partial: PartialState?
        /// The largest cursor value among the chunk's rows past the watermark.
        var watermark: IncrementalCut.Progress?
    }

    /// Runs every chunk of a block. With a ``mergeable`` step next, also consumes the block's
    /// rows into one state, attached to the block's last output for the runner to merge.
    func run(block chunks: [SourceChunk]) throws -> [Output] {
        var outputs = try chunks.map(run)
        guard let mergeable, !outputs.isEmpty else { return outputs }
        let t0 = ContinuousClock.now
        let consumed: PartialState?
        do {
            let readsDictionaries = mergeable.step.readsDictionaryText
            consumed = try mergeable.step.consumeAlone(outputs.map { readsDictionaries ? $0.batch : $0.batch.flatteningDictionaries() })
        } catch {
            throw StepFailure(path: mergeable.path, operation: mergeable.operation, error: error)
        }
        guard let partial = consumed else { return outputs }
        for i in outputs.indices {
            outputs[i].fields.append(outputs[i].batch.isEmpty ? nil : outputs[i].batch.fields)
            outputs[i].rejected += partial.results[i].rejected.map {
                RunState.stamped($0, path: mergeable.path, operation: mergeable.operation)
            }
            outputs[i].batch = partial.results[i].batch
            outputs[i].consumedByStateful = true
        }
        outputs[outputs.count - 1].partial = partial
        outputs[outputs.count - 1].transformTime += ContinuousClock.now - t0
        return outputs
    }

    func run(_ chunk: SourceChunk) throws -> Output {
        let t0 = ContinuousClock.now
        var chunk = chunk
        var progress: IncrementalCut.Progress?
        // Dictionary-encoded text (see `DictionaryText`) stays encoded only through the steps
        // that read it; validation, the watermark cut and any other step get plain text.
        if incremental != nil || validator != nil { chunk.batch = chunk.batch.flatteningDictionaries() }
        if let incremental {
            // Rows at or before the watermark were loaded by an earlier run: they are not
            // part of this run at all (not even counted as extracted).
            let cut = incremental.apply(chunk.batch)
            chunk.batch = cut.batch
            chunk.rejected += cut.rejected
            progress = cut.progress
        }
        var output = Output(
            batch: chunk.batch, rejected: chunk.rejected, extracted: chunk.batch.count + chunk.rejected.count,
            bytes: chunk.bytes, fields: Array(repeating: nil, count: steps.count), transformTime: .zero)
        output.watermark = progress
        if let validator, !output.batch.isEmpty {
            let result = validator.validate(output.batch)
            output.rejected += result.rejected
            output.batch = result.batch
        }
        for (index, step) in steps.enumerated() where !output.batch.isEmpty {
            output.fields[index] = output.batch.fields
            let result: BatchResult
            if !step.transform.readsDictionaryText { output.batch = output.batch.flatteningDictionaries() }
            do {
                result = try step.transform.process(output.batch)
            } catch {
                throw StepFailure(path: step.path, operation: step.operation, error: error)
            }
            output.rejected += result.rejected.map { RunState.stamped($0, path: step.path, operation: step.operation) }
            output.batch = result.batch
        }
        output.transformTime = ContinuousClock.now - t0
        if let encode, !output.batch.isEmpty {
            let t1 = ContinuousClock.now
            output.batch = output.batch.flatteningDictionaries()
            output.encoded = encode(output.batch)
            output.encodeTime = ContinuousClock.now - t1
        }
        return output
    }
}

/// A transform that failed the whole job (not one record).
struct StepFailure: Error, CustomStringConvertible {
    let path: String
    let operation: String
    let error: any Error

    var description: String { "\(path) (\(operation)) failed: \(error)" }
}
