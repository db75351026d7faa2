import Dispatch

/// A task executor that runs its jobs one at a time on a serial dispatch queue, outside
/// Swift's cooperative pool. A test gives a task this executor as its preference and then
/// puts a blocking job on the queue: the task cannot resume from its next `await` until
/// that job ends, as a task cannot while blocking work holds every cooperative thread.
final class SerialQueueTaskExecutor: TaskExecutor {
    let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
