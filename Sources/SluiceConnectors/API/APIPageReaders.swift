import SluiceCore
import SluiceFormats

/// Reads every page of a paginated API answer as one stream of chunks (for a lookup's source,
/// or an incremental read): each page is decoded here, while the next is fetched.
final class APIPageReader: BatchReader {
    private let walker: APIPageWalker
    private let options: DecodeOptions
    private let location: String
    private var pending: [SourceChunk] = []
    private var pendingIndex = 0

    init(source: APISource, pagination: Pagination) {
        walker = APIPageWalker(source: source, pagination: pagination)
        options = source.decodeOptions()
        location = source.location
    }

    func next() async throws -> SourceChunk? {
        while true {
            if pendingIndex < pending.count {
                defer { pendingIndex += 1 }
                return pending[pendingIndex]
            }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            guard let page = try await walker.nextPage() else { return nil }
            do {
                let (chunks, records) = try APIPageWalker.decode(page, options: options, location: location)
                if !page.advanced { try walker.advance(after: page, records: records) }
                pending = chunks
            } catch {
                walker.cancel()
                throw error
            }
        }
    }
}

/// Reads every page of a paginated API answer as blocks that any worker decodes, so decoding
/// runs beside the requests instead of after each one; pages come out in order.
final class APIPageBlockReader: BlockReader {
    private let walker: APIPageWalker
    private let options: DecodeOptions
    private let location: String
    let expectedBytes: Int? = nil

    init(source: APISource, pagination: Pagination) {
        walker = APIPageWalker(source: source, pagination: pagination)
        options = source.decodeOptions()
        location = source.location
    }

    func nextBlock() async throws -> SourceBlock? {
        guard let page = try await walker.nextPage() else { return nil }
        let options = self.options
        let location = self.location
        if page.advanced {
            return SourceBlock(byteCount: page.answer.body.count) {
                try APIPageWalker.decode(page, options: options, location: location).chunks
            }
        }
        // The records could not be counted by a scan: decoded here, for the next address.
        let (chunks, records) = try APIPageWalker.decode(page, options: options, location: location)
        try walker.advance(after: page, records: records)
        return SourceBlock(byteCount: page.answer.body.count) { chunks }
    }
}
