import NIOHTTP1
import SluiceCore
import SluiceFormats

/// Walks the pages of a paginated API answer, in order, with requests ahead of the reading.
///
/// Each page is fetched whole and scanned (``PageScan``) for what pagination needs: its
/// number of records, and the cursor, next URL or total in its body (or the `Link` header).
/// The next page's request then starts at once, before this page is decoded; only when a scan
/// cannot count the records (a body the decoder will refuse) does the next address wait for the
/// decoded count (``advance(after:records:)``). Page and offset pagination go further: as a
/// page arrives, the requests for the `prefetch` pages after it are sent on the guess that it is
/// full; the page is then decoded without a scan, and a request its count proves wrong is
/// cancelled. A page that leads back to one already read is a loop and fails the read.
final class APIPageWalker {
    /// A page fetched, with what its decoding needs.
    struct Page: Sendable {
        var url: String
        /// 1 for the first page.
        var number: Int
        /// Records on the pages before this one (its records' positions start after them).
        var before: Int
        var answer: HTTPAnswer
        /// Whether the next page's address is already worked out.
        var advanced: Bool
    }

    private let source: APISource
    private let pagination: Pagination
    /// Requests sent for the pages after the last one taken, in page order.
    private var ahead: [(url: String, task: Task<HTTPAnswer, any Error>)] = []
    private var nextURL: String?
    private var pagesRead = 0
    private var recordsSoFar = 0
    private var seen: Set<String> = []

    init(source: APISource, pagination: Pagination) {
        self.source = source
        self.pagination = pagination
        self.nextURL = pagination.firstURL(source.startURL)
    }

    deinit { cancelAhead() }

    /// The next page, or nil after the last.
    func nextPage() async throws -> Page? {
        guard let url = nextURL else { return nil }
        let number = pagesRead + 1
        let before = recordsSoFar
        sendAhead(from: url, number: number)
        let answer: HTTPAnswer
        do {
            answer = try await ahead.removeFirst().task.value
        } catch {
            cancel()
            throw error
        }
        // The pages after this one are asked for now, guessing it is full, while it is scanned.
        if pagination.prefetch > 0 {
            sendAhead(
                guessed: pagination.guessedURLs(
                    after: url, number: number, recordsSoFar: before + (pagination.pageSize ?? 1), count: pagination.prefetch,
                    base: source.startURL),
                firstNumber: number + 1)
        }
        // With requests already sent ahead, counting by a scan would only confirm the guess
        // sooner: the page is decoded where it is taken, and its count then checks the guess.
        let counted =
            guessesAhead ? nil : answer.body.withUnsafeBytes { PageScan.recordCount(recordsPath: source.recordsPath, in: $0) }
        var page = Page(url: url, number: number, before: before, answer: answer, advanced: false)
        if let counted {
            try advance(after: page, records: counted)
            page.advanced = true
        }
        return page
    }

    /// Notes `page` as read with its `records`, and starts fetching the page after it.
    func advance(after page: Page, records: Int) throws {
        pagesRead = page.number
        recordsSoFar = page.before + records
        seen.insert(page.url)
        let body = page.answer.body
        let known = Pagination.Page(
            url: page.url, number: page.number, records: records, recordsSoFar: recordsSoFar, headers: page.answer.headers,
            lookup: { path in body.withUnsafeBytes { PageScan.value(at: path, in: $0) } })
        let following = try pagination.nextURL(after: known, base: source.startURL)
        if let following, seen.contains(following) {
            throw ConnectorError.remote(
                "\(source.location): page \(page.number) leads back to a page already read (\(HTTPURL.shown(following))); the pagination loops")
        }
        nextURL = following
        if let following {
            sendAhead(from: following, number: page.number + 1)
        } else {
            cancelAhead()
        }
    }

    /// Whether the requests for the next pages are sent on a guess (page and offset pagination
    /// with `prefetch`), so the next address does not wait for this page's count.
    private var guessesAhead: Bool { pagination.isCounted && pagination.prefetch > 0 }

    /// Stops the requests in flight (the read failed).
    func cancel() {
        cancelAhead()
        nextURL = nil
    }

    /// Makes sure the first request ahead is for `url` (page `number`): a guess that was
    /// wrong is cancelled, with every request after it.
    private func sendAhead(from url: String, number: Int) {
        if ahead.first?.url == url { return }
        cancelAhead()
        ahead = [(url, fetch(url, number: number))]
    }

    /// Makes the requests ahead those for `urls` (pages `firstNumber`…): the ones already
    /// sent for them are kept, any other is cancelled.
    private func sendAhead(guessed urls: [String], firstNumber: Int) {
        var kept = 0
        while kept < min(urls.count, ahead.count), ahead[kept].url == urls[kept] { kept += 1 }
        for request in ahead[kept...] { request.task.cancel() }
        ahead.removeSubrange(kept...)
        for index in kept..<urls.count { ahead.append((urls[index], fetch(urls[index], number: firstNumber + index))) }
    }

    private func cancelAhead() {
        for request in ahead { request.task.cancel() }
        ahead.removeAll()
    }

    private func fetch(_ url: String, number: Int) -> Task<HTTPAnswer, any Error> {
        let client = source.client
        let call = source.call(url)
        let what = "\(source.location) (page \(number))"
        return Task { try await client.fetch(call, what: what) }
    }

    /// Decodes a page's records: positions across all pages, and rejections that name the page
    /// (`page 3, record 17: expected an object, …`). Returns the chunks and the records counted
    /// (objects and rejected elements).
    static func decode(_ page: Page, options: DecodeOptions, location: String) throws -> (chunks: [SourceChunk], records: Int) {
        var decoder = makeDecoder(.json, options: options)
        var chunks: [SourceChunk]
        do {
            chunks = try page.answer.body.withUnsafeBytes { try decoder.feed($0) }
            chunks += try decoder.finish()
        } catch {
            throw ConnectorError.remote("\(location) page \(page.number): \(error)")
        }
        var records = 0
        for index in chunks.indices {
            chunks[index].batch.shiftPositions(by: page.before)
            records += chunks[index].batch.count + chunks[index].rejected.count
            chunks[index].rejected = chunks[index].rejected.map { located($0, page: page.number, before: page.before) }
        }
        return (chunks.filter { !$0.batch.isEmpty || !$0.rejected.isEmpty || $0.bytes > 0 }, records)
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
