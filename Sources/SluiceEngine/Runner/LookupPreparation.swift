import SluiceCore
import SluiceOperators

extension JobRunner {
    /// Reads every lookup data set (a join's right side) and prepares its transform.
    ///
    /// A data set is held in memory while it fits in the state allowance of `budget` beside
    /// what the other steps hold. When it outgrows that, an inner or left join (or a lookup)
    /// switches to a grace hash join: what was read so far and the rest of the data go to
    /// partition files in `spill` (``GraceJoinBuilder``), and the step becomes a stateful
    /// step that partitions the records too and joins partition by partition at the end. A
    /// right or full join has to hold its data whole: it fails past the memory limit, saying so.
    static func prepareLookups(
        _ plan: JobPlan, budget: inout MemoryBudget, extraction: inout Duration, spill: SpillSpace
    ) async throws -> [JobPlan.Step] {
        var steps = plan.transforms
        for (index, step) in steps.enumerated() {
            guard case .lookup(let lookup) = step.transform, let source = lookup.source else { continue }
            let t0 = ContinuousClock.now
            let reader = try await source.open()
            var batches: [RecordBatch] = []
            var held = 0
            var bytesRead = 0
            var partitioned: GraceJoinBuilder?
            let name = "\(step.path) (\(step.operation))"
            while var chunk = try await reader.next() {
                chunk.batch = chunk.batch.flatteningDictionaries()
                bytesRead += chunk.bytes
                if partitioned != nil {
                    do {
                        try partitioned?.append(chunk.batch)
                    } catch {
                        throw StepFailure(path: step.path, operation: step.operation, error: error)
                    }
                    budget.note(partitioned?.bufferedBytes ?? 0, for: name)
                    budget.notePeak()
                    continue
                }
                batches.append(chunk.batch)
                held += chunk.batch.estimatedBytes
                let available = budget.stateAllowance - budget.heldByOthers(than: name)
                if held > available, let join = lookup.partitionedJoin {
                    // The whole data set's size in memory, from the share of the input read so far.
                    let total = reader.expectedBytes.map { expected in
                        bytesRead > 0 ? Int(min(Double(held) * Double(max(expected, bytesRead)) / Double(bytesRead), Double(1 << 50))) : held
                    } ?? held
                    let room = max(budget.smallestSpill, available / 2)
                    do {
                        var builder = try GraceJoinBuilder(
                            join: join, partitions: Self.lookupPartitions(estimatedBytes: total, room: room), space: spill, flushBytes: room)
                        // Hand the batches read so far over one by one, so they are not held twice.
                        batches.reverse()
                        while let batch = batches.popLast() { try builder.append(batch) }
                        partitioned = builder
                    } catch {
                        throw StepFailure(path: step.path, operation: step.operation, error: error)
                    }
                    batches = []
                    held = 0
                    budget.note(partitioned?.bufferedBytes ?? 0, for: name)
                    budget.notePeak()
                    continue
                }
                do {
                    try budget.set(held, for: name)
                } catch let error as MemoryLimitExceeded where lookup.mustHoldInMemory {
                    throw LookupOverMemory(limit: error, kind: (lookup.transform as? Join)?.kind.rawValue)
                }
            }
            budget.notePeak()
            extraction += ContinuousClock.now - t0
            do {
                let transform: PlannedTransform
                if let builder = partitioned {
                    transform = .stateful(StatefulBox(try builder.finish()))
                    // The grace join's step accounts for what it holds from now on.
                    budget.note(0, for: name)
                } else {
                    transform = try lookup.prepare(RecordBatch.concatenate(batches))
                }
                steps[index] = JobPlan.Step(path: step.path, operation: step.operation, field: step.field, transform: transform)
            } catch {
                throw StepFailure(path: step.path, operation: step.operation, error: error)
            }
        }
        return steps
    }

    /// How many partitions a lookup data set of about `estimatedBytes` (in memory) is split
    /// into so that one partition takes about half of `room`: 16 to 128, a power of two.
    static func lookupPartitions(estimatedBytes: Int, room: Int) -> Int {
        let wanted = estimatedBytes / max(1, room / 2) + 1
        var partitions = 16
        while partitions < wanted, partitions < 128 { partitions *= 2 }
        return partitions
    }
}

extension LookupStep {
    /// The join to run partition by partition on disk when the data set does not fit in
    /// memory (an inner or left join, a lookup); `nil` when it must be held in memory.
    var partitionedJoin: Join? { (transform as? any PartitionableLookupTransform)?.partitionedJoin }

    /// Whether the transform could spill but its kind must hold the data whole (right and
    /// full joins).
    var mustHoldInMemory: Bool { transform is any PartitionableLookupTransform && partitionedJoin == nil }
}

/// A right or full join's lookup data is over the memory limit: only inner and left joins
/// move theirs to disk.
struct LookupOverMemory: Error, CustomStringConvertible {
    /// The budget's own error, naming the step, the size and the limit.
    let limit: MemoryLimitExceeded
    /// The join's type (`right`, `full`).
    let kind: String?

    var description: String {
        let kind = self.kind.map { "a \($0) join" } ?? "this join"
        return "\(limit.operation) would hold about \(MemoryLimitExceeded.megabytes(limit.bytes)) MB of lookup data, over the memory "
            + "limit of \(limit.limitMB) MB (MAX_MEMORY_MB); only inner and left joins (and lookup) move their lookup data to disk, "
            + "\(kind) holds it whole in memory because it emits the lookup records that matched nothing: raise MAX_MEMORY_MB, "
            + "reduce the lookup data, or use an inner or left join"
    }
}
