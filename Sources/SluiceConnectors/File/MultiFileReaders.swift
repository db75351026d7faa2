import SluiceCore
import SluiceFormats

/// What the records of one file of a set get beside their own fields: Hive partition fields
/// and the file-name field, as constant columns; and the file's name for rejection messages.
struct FileDecoration: Sendable {
    var fields: [(name: String, value: Value)]
    /// The file as configured, prefixed to rejection reasons when the source reads many files.
    var fileName: String?

    var isEmpty: Bool { fields.isEmpty && fileName == nil }

    /// `chunk` with the constant fields set on every record and the file named in rejections.
    func apply(to chunk: SourceChunk) -> SourceChunk {
        guard !isEmpty else { return chunk }
        var chunk = chunk
        if !chunk.batch.isEmpty {
            for (name, value) in fields {
                var builder = ColumnBuilder(capacity: chunk.batch.count)
                for _ in 0..<chunk.batch.count { builder.append(value) }
                chunk.batch.setColumn(builder.build(), named: name)
            }
        }
        if let fileName {
            for index in chunk.rejected.indices {
                if chunk.rejected[index].reasons.isEmpty {
                    chunk.rejected[index].reasons = ["in \(fileName)"]
                } else {
                    chunk.rejected[index].reasons[0] = "in \(fileName): " + chunk.rejected[index].reasons[0]
                }
            }
        }
        return chunk
    }
}

/// Reads the files of a set one after another as one stream of chunks.
final class MultiFileBatchReader: BatchReader {
    typealias Open = (Int, FileSet.Entry) throws -> (any BatchReader, FileDecoration)
    private let entries: [FileSet.Entry]
    private let open: Open
    private var index = 0
    private var current: (reader: any BatchReader, decoration: FileDecoration)?
    let expectedBytes: Int?

    /// Opens the first file at once, so a file that cannot be opened fails the open.
    init(files: FileSet, expectedBytes: Int?, open: @escaping Open) throws {
        self.entries = files.entries
        self.expectedBytes = expectedBytes
        self.open = open
        if let first = entries.first {
            let opened = try open(0, first)
            current = opened
            firstSchema = opened.0.declaredSchema
            index = 1
        }
    }

    /// The schema the first file declares (the files of one source share their format).
    var declaredSchema: [FieldSchema]? { firstSchema }
    private var firstSchema: [FieldSchema]?

    func next() async throws -> SourceChunk? {
        while true {
            if let current {
                if let chunk = try await current.reader.next() { return current.decoration.apply(to: chunk) }
                self.current = nil
            }
            guard index < entries.count else { return nil }
            current = try open(index, entries[index])
            index += 1
        }
    }
}

/// Cuts the files of a set into blocks one file after another.
final class MultiFileBlockReader: BlockReader {
    typealias Open = (Int, FileSet.Entry) throws -> (any BlockReader, FileDecoration)
    private let entries: [FileSet.Entry]
    private let open: Open
    private var index = 0
    private var current: (reader: any BlockReader, decoration: FileDecoration)?
    let expectedBytes: Int?

    /// Opens the first file at once, so a file that cannot be opened fails the open.
    init(files: FileSet, expectedBytes: Int?, open: @escaping Open) throws {
        self.entries = files.entries
        self.expectedBytes = expectedBytes
        self.open = open
        if let first = entries.first {
            let opened = try open(0, first)
            current = opened
            declaredSchema = opened.0.declaredSchema
            index = 1
        }
    }

    /// The schema the first file declares (the files of one source share their format).
    private(set) var declaredSchema: [FieldSchema]?

    func nextBlock() async throws -> SourceBlock? {
        while true {
            if let current {
                if let block = try await current.reader.nextBlock() {
                    let decoration = current.decoration
                    guard !decoration.isEmpty else { return block }
                    return SourceBlock(byteCount: block.byteCount) { try block.decode().map(decoration.apply(to:)) }
                }
                self.current = nil
            }
            guard index < entries.count else { return nil }
            current = try open(index, entries[index])
            index += 1
        }
    }
}
