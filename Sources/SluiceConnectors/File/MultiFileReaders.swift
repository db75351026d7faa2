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

/// The files of a set, opened one after another by `open` (the first at once, so a file
/// that cannot be opened fails the open of the whole set).
struct OpenedFiles<Reader> {
    typealias Open = (Int, FileSet.Entry) async throws -> (Reader, FileDecoration)
    private let entries: [FileSet.Entry]
    private let open: Open
    private var index = 0
    /// The file being read, with what its records get; `nil` once every file was read.
    private(set) var current: (reader: Reader, decoration: FileDecoration)?

    init(_ files: FileSet, open: @escaping Open) async throws {
        entries = files.entries
        self.open = open
        try await advance()
    }

    /// Opens the next file; false (and no current file) when none is left.
    @discardableResult
    mutating func advance() async throws -> Bool {
        current = nil
        guard index < entries.count else { return false }
        current = try await open(index, entries[index])
        index += 1
        return true
    }
}

/// Reads the files of a set one after another as one stream of chunks.
final class MultiFileBatchReader: BatchReader {
    private var files: OpenedFiles<any BatchReader>
    let expectedBytes: Int?
    /// The schema the first file declares (the files of one source share their format).
    let declaredSchema: [FieldSchema]?

    init(files: FileSet, expectedBytes: Int?, open: @escaping OpenedFiles<any BatchReader>.Open) async throws {
        self.files = try await OpenedFiles(files, open: open)
        self.expectedBytes = expectedBytes
        declaredSchema = self.files.current?.reader.declaredSchema
    }

    func next() async throws -> SourceChunk? {
        while let current = files.current {
            if let chunk = try await current.reader.next() { return current.decoration.apply(to: chunk) }
            try await files.advance()
        }
        return nil
    }
}

/// Cuts the files of a set into blocks one file after another.
final class MultiFileBlockReader: BlockReader {
    private var files: OpenedFiles<any BlockReader>
    let expectedBytes: Int?
    /// The schema the first file declares (the files of one source share their format).
    let declaredSchema: [FieldSchema]?

    init(files: FileSet, expectedBytes: Int?, open: @escaping OpenedFiles<any BlockReader>.Open) async throws {
        self.files = try await OpenedFiles(files, open: open)
        self.expectedBytes = expectedBytes
        declaredSchema = self.files.current?.reader.declaredSchema
    }

    func nextBlock() async throws -> SourceBlock? {
        while let current = files.current {
            if let block = try await current.reader.nextBlock() {
                let decoration = current.decoration
                guard !decoration.isEmpty else { return block }
                return SourceBlock(byteCount: block.byteCount) { try block.decode().map(decoration.apply(to:)) }
            }
            try await files.advance()
        }
        return nil
    }
}
