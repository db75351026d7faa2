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
    }

    func run(_ chunk: SourceChunk) throws -> Output {
        let t0 = ContinuousClock.now
        var output = Output(
            batch: chunk.batch, rejected: chunk.rejected, extracted: chunk.batch.count + chunk.rejected.count,
            bytes: chunk.bytes, fields: Array(repeating: nil, count: steps.count), transformTime: .zero)
        if let validator, !output.batch.isEmpty {
            let result = validator.validate(output.batch)
            output.rejected += result.rejected
            output.batch = result.batch
        }
        for (index, step) in steps.enumerated() where !output.batch.isEmpty {
            output.fields[index] = output.batch.fields
            let result: BatchResult
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
