import SluiceCodecs
import SluiceCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file target's write with `partitionBy`: records go to Hive-style folders under the base
/// directory (`year=2024/month=5/part-0.parquet`), one file per partition, without the
/// partition fields themselves (the folders hold them).
///
/// Each partition's file is written like a single-file target (a temporary file beside it,
/// renamed over it on commit), so every file is whole or absent. Folders the write created
/// are removed again on abort. `write` replaces each written partition's `part-0` file and
/// leaves partitions the data does not touch as they are; `append` adds a new file to each
/// partition it touches.
final class PartitionedFileWriter: TargetWriter {
    /// The most partitions one write may open at once.
    static let maxPartitions = 1_000

    private let target: FileTarget
    private let base: String
    private let fields: [String]
    private let batchSize: Int?
    private let fileName: String
    private var writers: [String: FileTargetWriter] = [:]
    private var order: [String] = []
    private var createdDirectories: [String] = []
    private var declared: [FieldSchema] = []

    init(target: FileTarget, base: String, fields: [String], batchSize: Int?) {
        self.target = target
        self.base = base
        self.fields = fields
        self.batchSize = batchSize
        var name = target.mode == .append ? "part-\(FileTarget.fileSafe(target.jobId))-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))" : "part-0"
        name += target.options.format.fileExtension
        if target.options.format.textFormat != nil, let codec = target.options.compression.codec(forName: "") {
            name += codec.fileExtension
        }
        self.fileName = name
    }

    func write(_ batch: RecordBatch) async throws -> Int {
        guard !batch.isEmpty else { return 0 }
        // Rows are grouped by their partition values; a folder name is made once per group.
        let columns = fields.map { batch.index(of: $0) }
        var groups: [[Value]: [Int]] = [:]
        var seen: [[Value]] = []
        for row in 0..<batch.count {
            let key = columns.map { column in column.map { batch.value(row: row, column: $0) } ?? .null }
            if groups[key] == nil { seen.append(key) }
            groups[key, default: []].append(row)
        }
        var written = 0
        for key in seen {
            guard let rows = groups[key] else { continue }
            let folder = zip(fields, key).map { HivePartitions.folder(name: $0, value: $1) }.joined(separator: "/")
            var part = rows.count == batch.count ? batch : batch.selecting(rows)
            for field in fields { part.removeColumn(named: field) }
            written += try await writer(for: folder).write(part)
        }
        return written
    }

    /// The open writer of partition `folder`, opening it (and creating its folders) on first use.
    private func writer(for folder: String) async throws -> FileTargetWriter {
        if let writer = writers[folder] { return writer }
        guard writers.count < Self.maxPartitions else {
            throw ConnectorError.io(
                "partitionBy \(fields.joined(separator: ", ")) makes more than \(Self.maxPartitions) partitions in one write (the limit); partition by fewer distinct values")
        }
        if let remote = target.remote {
            // Objects need no folders: the partition is part of the key.
            let key = (base.isEmpty ? "" : base + "/") + folder + "/" + fileName
            let writer = try await target.openFile(key, shown: remote.store.url(of: key), batchSize: batchSize)
            writer.declare(declared.filter { !fields.contains($0.name) })
            writers[folder] = writer
            order.append(folder)
            return writer
        }
        // The base directory first (created when missing, as DuckDB's PARTITION_BY does),
        // then the partition's folders.
        var missing: [String] = []
        var ancestor = base
        while !FileSet.isDirectory(ancestor), ancestor != "/", !ancestor.isEmpty {
            missing.append(ancestor)
            ancestor = DataRoots.parent(of: ancestor)
        }
        var toCreate = Array(missing.reversed())
        var directory = base
        for segment in folder.split(separator: "/") {
            directory += "/" + segment
            toCreate.append(directory)
        }
        for directory in toCreate {
            if mkdir(directory, 0o755) == 0 {
                createdDirectories.append(directory)
            } else if errno != EEXIST {
                throw ConnectorError.io("cannot create the partition folder '\(directory)': \(String(cString: strerror(errno)))")
            }
        }
        let path = directory + "/" + fileName
        let writer = try await target.openFile(path, shown: path, batchSize: batchSize)
        writer.declare(declared.filter { !fields.contains($0.name) })
        writers[folder] = writer
        order.append(folder)
        return writer
    }

    func declare(_ schema: [FieldSchema]) { declared = schema }

    func commit() async throws {
        for folder in order {
            try await writers[folder]?.commit()
        }
    }

    func abort() async {
        for folder in order {
            await writers[folder]?.abort()
        }
        for directory in createdDirectories.reversed() { rmdir(directory) }
    }
}
