import SluiceCore

/// A file target's bytes uploaded as one object, which appears only on commit.
///
/// Bytes are gathered into parts of ``ObjectStore/partBytes``. A write that stays smaller is
/// sent whole with one request on commit. A larger one becomes an upload in parts (S3
/// multipart, GCS resumable, Azure blocks): each full part is sent while the job goes on,
/// up to ``ObjectStore/partsInFlight`` at once, and the upload is completed on commit with the
/// last part. Abort, a failed commit, or the sink going away uncommitted, abandons the upload,
/// so no object appears (S3 and GCS delete the parts; Azure's uncommitted blocks expire).
actor ObjectUploadSink: FileSink {
    private let store: any ObjectStore
    private let key: String
    private var buffer: [UInt8] = []
    private var upload: (any ObjectUpload)?
    private var partsStarted = 0
    private var inFlight: [Task<Void, any Error>] = []
    private var finished = false

    init(store: any ObjectStore, key: String) {
        self.store = store
        self.key = key
    }

    deinit {
        // Dropped mid-write (the job was cancelled): the parts are discarded in the background.
        if !finished, let upload {
            for task in inFlight { task.cancel() }
            Task { await upload.abort() }
        }
    }

    func write(_ bytes: [UInt8]) async throws {
        buffer.append(contentsOf: bytes)
        let partBytes = max(1, store.partBytes)
        while buffer.count >= partBytes {
            let part = Array(buffer[0..<partBytes])
            buffer.removeFirst(partBytes)
            try await send(part)
        }
    }

    /// Starts uploading `part`, after the oldest part in flight when the limit is reached.
    private func send(_ part: [UInt8]) async throws {
        let upload: any ObjectUpload
        if let started = self.upload {
            upload = started
        } else {
            upload = try await store.startUpload(key)
            self.upload = upload
        }
        while inFlight.count >= max(1, store.partsInFlight) {
            try await Self.finished(inFlight.removeFirst())
        }
        partsStarted += 1
        let number = partsStarted
        inFlight.append(Task { try await upload.upload(part: number, bytes: part) })
    }

    func commit() async throws {
        do {
            if let upload {
                for task in inFlight { try await Self.finished(task) }
                inFlight = []
                try await upload.complete(parts: partsStarted, lastPart: buffer)
            } else {
                try await store.put(key, bytes: buffer)
            }
            finished = true
            buffer = []
        } catch {
            await abort()
            throw error
        }
    }

    func abort() async {
        finished = true
        buffer = []
        for task in inFlight { task.cancel() }
        for task in inFlight { _ = try? await task.value }
        inFlight = []
        if let upload {
            self.upload = nil
            // In a task of its own: a stopped job aborts from its cancelled task, and a
            // cancelled task's requests are never sent.
            await Task { await upload.abort() }.value
        }
    }

    /// Waits for a part upload; cancelling the waiting task (a stopped job) cancels the upload
    /// instead of waiting for it to end on its own.
    private static func finished(_ task: Task<Void, any Error>) async throws {
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
