import NIOHTTP1
import SluiceCore
import SluiceFormats

/// Reads every page of a paginated API answer, in order.
///
/// Each page is fetched whole, decoded (its records at `recordsPath`), and the next page's
/// address worked out (from the page number, the records so far, a cursor or link in the body,
/// or the `Link` header). The next page's request then starts at once, while this page's
/// records travel down the pipeline. A page that leads back to one already read is a loop and
/// fails the read. Records carry their position across all pages; an element that is not an
/// object goes to the dead-letter queue as `page 3, record 17: expected an object, …`.
final class APIPageReader: BatchReader {
    private let source: APISource
    private let pagination: Pagination
    private var pending: [SourceChunk] = []
    private var pendingIndex = 0
    private var nextFetch: Task<HTTPAnswer, any Error>?
    private var nextURL: String?
    private var pagesRead = 0
    private var recordsSoFar = 0
    private var seen: Set<String> = []

    init(source: APISource, pagination: Pagination) {
        self.source = source
        self.pagination = pagination
        self.nextURL = pagination.firstURL(source.startURL)
    }

    deinit { nextFetch?.cancel() }

    func next() async throws -> SourceChunk? {
        while true {
            if pendingIndex < pending.count {
                defer { pendingIndex += 1 }
                return pending[pendingIndex]
            }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            guard let url = nextURL else { return nil }
            let answer: HTTPAnswer
            do {
                answer = try await (nextFetch ?? fetch(url)).value
                nextFetch = nil
            } catch {
                nextFetch = nil
                throw error
            }
            try readPage(answer, url: url)
        }
    }

    private func fetch(_ url: String) -> Task<HTTPAnswer, any Error> {
        let client = source.client
        let call = source.call(url)
        let what = "\(source.location) (page \(pagesRead + 1))"
        return Task { try await client.fetch(call, what: what) }
    }

    private func readPage(_ answer: HTTPAnswer, url: String) throws {
        let number = pagesRead + 1
        let before = recordsSoFar
        let body = answer.body
        let lookup = { (path: String) in body.withUnsafeBytes { PageScan.value(at: path, in: $0) } }
        // The records counted by a scan, so the next request starts before this page is decoded.
        let counted = body.withUnsafeBytes { PageScan.recordCount(recordsPath: source.recordsPath, in: $0) }
        var following: String?? = nil
        if let counted { following = .some(try next(after: url, number: number, records: counted, headers: answer.headers, lookup: lookup)) }
        var decoder = makeDecoder(.json, options: source.decodeOptions())
        var chunks: [SourceChunk]
        do {
            chunks = try body.withUnsafeBytes { try decoder.feed($0) }
            chunks += try decoder.finish()
        } catch {
            nextFetch?.cancel()
            nextFetch = nil
            throw ConnectorError.remote("\(source.location) page \(number): \(error)")
        }
        var records = 0
        for index in chunks.indices {
            chunks[index].batch.shiftPositions(by: before)
            records += chunks[index].batch.count + chunks[index].rejected.count
            chunks[index].rejected = chunks[index].rejected.map { Self.located($0, page: number, before: before) }
        }
        if following == nil {
            following = .some(try next(after: url, number: number, records: records, headers: answer.headers, lookup: lookup))
        }
        pending = chunks.filter { !$0.batch.isEmpty || !$0.rejected.isEmpty || $0.bytes > 0 }
    }

    /// Notes page `number` as read and works out (and starts fetching) the page after it.
    private func next(
        after url: String, number: Int, records: Int, headers: HTTPHeaders, lookup: @escaping (String) -> Value?
    ) throws -> String? {
        pagesRead = number
        recordsSoFar += records
        seen.insert(url)
        let page = Pagination.Page(url: url, number: number, records: records, recordsSoFar: recordsSoFar, headers: headers, lookup: lookup)
        let following = try pagination.nextURL(after: page, base: source.startURL)
        if let following, seen.contains(following) {
            throw ConnectorError.remote(
                "\(source.location): page \(number) leads back to a page already read (\(HTTPURL.shown(following))); the pagination loops")
        }
        nextURL = following
        if let following { nextFetch = fetch(following) }
        return following
    }

    /// A page's rejection with its position across pages and its page named in the reason.
    static func located(_ rejection: Rejection, page: Int, before: Int) -> Rejection {
        var located = rejection
        located.position = rejection.position.map { $0 + before }
        located.reasons = rejection.reasons.map { reason in
            reason.hasPrefix("record ") ? "page \(page), \(reason)" : "page \(page): \(reason)"
        }
        return located
    }
}
