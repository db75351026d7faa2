import NIOHTTP1
import SluiceCore

/// How an API source walks the pages of an answer: the `pagination` block of its config.
public struct Pagination: Sendable, Equatable {
    /// The styles of pagination.
    public enum Style: Sendable, Equatable {
        /// `?page=N` (from `start`), with an optional page-size parameter.
        case page(parameter: String, start: Int, sizeParameter: String?, size: Int?)
        /// `?offset=N&limit=M`.
        case offset(parameter: String, start: Int, limitParameter: String, limit: Int)
        /// The next page's cursor read from the body at `path` and sent as `parameter`.
        case cursor(parameter: String, path: String)
        /// The RFC 8288 `Link: <…>; rel="next"` header.
        case link
        /// The next page's URL read from the body at `path`.
        case nextURL(path: String)
    }

    public var style: Style
    /// Where the total number of records is in the body (page and offset styles stop there).
    public var totalPath: String?
    /// Page and offset styles: a page with fewer records than the page size is the last.
    public var stopOnShortPage: Bool
    /// The most pages read; the read ends there without error.
    public var maxPages: Int?
    /// Whether links and next URLs may lead to another host (off by default: the request's
    /// credentials would go with them).
    public var followOtherHosts: Bool
    /// Page and offset styles: pages requested ahead of the one being read, on the guess that
    /// each page is full. A guess the page proves wrong is dropped; at the end up to this many
    /// requests past the last page are sent and their answers ignored.
    public var prefetch: Int

    /// Pages requested ahead by default: one, so the server works on the next page while this
    /// one is scanned and handed on.
    public static let defaultPrefetch = 1

    /// The `pagination` block as written.
    public struct Config: Decodable, Sendable, Equatable {
        public var type: String
        public var pageParam: String?
        public var startPage: Int?
        public var pageSizeParam: String?
        public var pageSize: Int?
        public var offsetParam: String?
        public var startOffset: Int?
        public var limitParam: String?
        public var limit: Int?
        public var cursorParam: String?
        public var cursorPath: String?
        public var nextUrlPath: String?
        public var totalPath: String?
        public var stopOnShortPage: Bool?
        public var maxPages: Int?
        public var followOtherHosts: Bool?
        public var prefetch: Int?
    }

    /// The pagination a block asks for; errors name the key (relative to `pagination`).
    public init(config: Config) throws(SpecError) {
        func required(_ value: String?, _ key: String) throws(SpecError) -> String {
            guard let value, !value.isEmpty else { throw SpecError(path: "pagination." + key, "required for \(config.type) pagination") }
            return value
        }
        switch config.type {
        case "page":
            if config.pageSizeParam != nil, config.pageSize == nil {
                throw SpecError(path: "pagination.pageSize", "required with pageSizeParam")
            }
            style = .page(parameter: config.pageParam ?? "page", start: config.startPage ?? 1, sizeParameter: config.pageSizeParam, size: config.pageSize)
        case "offset":
            guard let limit = config.limit else { throw SpecError(path: "pagination.limit", "required for offset pagination") }
            style = .offset(parameter: config.offsetParam ?? "offset", start: config.startOffset ?? 0, limitParameter: config.limitParam ?? "limit", limit: limit)
        case "cursor":
            style = .cursor(parameter: try required(config.cursorParam, "cursorParam"), path: try required(config.cursorPath, "cursorPath"))
        case "link":
            style = .link
        case "nextUrl":
            style = .nextURL(path: try required(config.nextUrlPath, "nextUrlPath"))
        default:
            throw SpecError(path: "pagination.type", "unknown value '\(config.type)'; expected one of page, offset, cursor, link, nextUrl")
        }
        totalPath = config.totalPath
        stopOnShortPage = config.stopOnShortPage ?? true
        maxPages = config.maxPages
        followOtherHosts = config.followOtherHosts ?? false
        prefetch = config.prefetch ?? Self.defaultPrefetch
        guard (0...8).contains(prefetch) else { throw SpecError(path: "pagination.prefetch", "must be from 0 to 8, got \(prefetch)") }
        if totalPath != nil, !isCounted {
            throw SpecError(path: "pagination.totalPath", "only page and offset pagination stop at a total")
        }
    }

    /// Whether the style counts pages or records (page, offset) rather than following links.
    var isCounted: Bool {
        switch style {
        case .page, .offset: return true
        case .cursor, .link, .nextURL: return false
        }
    }

    /// The records a full page holds, when the style says.
    var pageSize: Int? {
        switch style {
        case .page(_, _, _, let size): return size
        case .offset(_, _, _, let limit): return limit
        case .cursor, .link, .nextURL: return nil
        }
    }

    /// The first page's URL.
    func firstURL(_ url: String) -> String {
        switch style {
        case .page(let parameter, let start, let sizeParameter, let size):
            var parameters = [(parameter, String(start))]
            if let sizeParameter, let size { parameters.append((sizeParameter, String(size))) }
            return HTTPURL.setting(parameters, in: url)
        case .offset(let parameter, let start, let limitParameter, let limit):
            return HTTPURL.setting([(parameter, String(start)), (limitParameter, String(limit))], in: url)
        case .cursor, .link, .nextURL:
            return url
        }
    }

    /// What is known once a page has been read.
    struct Page {
        /// The page's URL.
        var url: String
        /// Pages read so far, this one included.
        var number: Int
        /// Records on this page (objects and rejected elements).
        var records: Int
        /// Records on every page so far.
        var recordsSoFar: Int
        var headers: HTTPHeaders
        /// The value at a dotted path of the page's body (nil when absent or null).
        var lookup: (String) -> Value?
    }

    /// The URLs of the `count` pages after page `number` (its URL `url`, `recordsSoFar` records
    /// on it and the pages before) on the guess that every page is full; fewer where the pages
    /// run out (`maxPages`), none for styles that read the next address from the page.
    func guessedURLs(after url: String, number: Int, recordsSoFar: Int, count: Int, base: String) -> [String] {
        guard isCounted, count > 0 else { return [] }
        let full = pageSize ?? 1
        var urls: [String] = []
        var page = Page(url: url, number: number, records: full, recordsSoFar: recordsSoFar, headers: HTTPHeaders(), lookup: { _ in nil })
        while urls.count < count, let next = try? nextURL(after: page, base: base) {
            urls.append(next)
            page = Page(url: next, number: page.number + 1, records: full, recordsSoFar: page.recordsSoFar + full, headers: HTTPHeaders(), lookup: { _ in nil })
        }
        return urls
    }

    /// The next page's URL after `page`, or nil when `page` was the last.
    func nextURL(after page: Page, base: String) throws -> String? {
        if let maxPages, page.number >= maxPages { return nil }
        if isCounted {
            if page.records == 0 { return nil }
            if stopOnShortPage, let size = pageSize, page.records < size { return nil }
            if let totalPath, let total = page.lookup(totalPath).flatMap(Self.integer),
                page.recordsSoFar >= total
            {
                return nil
            }
        }
        switch style {
        case .page(let parameter, let start, let sizeParameter, let size):
            var parameters = [(parameter, String(start + page.number))]
            if let sizeParameter, let size { parameters.append((sizeParameter, String(size))) }
            return HTTPURL.setting(parameters, in: base)
        case .offset(let parameter, let start, let limitParameter, let limit):
            return HTTPURL.setting([(parameter, String(start + page.recordsSoFar)), (limitParameter, String(limit))], in: base)
        case .cursor(let parameter, let path):
            guard let cursor = page.lookup(path).flatMap(Self.text), !cursor.isEmpty else { return nil }
            return HTTPURL.setting([(parameter, cursor)], in: base)
        case .link:
            guard let link = page.headers[canonicalForm: "Link"].lazy.compactMap({ LinkHeader.next(in: String($0)) }).first else { return nil }
            return try followed(link, from: page.url)
        case .nextURL(let path):
            guard let link = page.lookup(path).flatMap(Self.text), !link.isEmpty else { return nil }
            return try followed(link, from: page.url)
        }
    }

    /// A link resolved against its page, refused when it leads elsewhere.
    private func followed(_ link: String, from page: String) throws -> String {
        guard let resolved = HTTPURL.resolve(link, against: page) else {
            throw ConnectorError.remote("the next-page link '\(HTTPURL.shown(link))' of \(HTTPURL.shown(page)) is not an http(s) URL")
        }
        if !followOtherHosts, HTTPURL.origin(resolved) != HTTPURL.origin(page) {
            throw ConnectorError.remote(
                "the next-page link of \(HTTPURL.shown(page)) leads to another host (\(HTTPURL.shown(resolved))); "
                    + "set pagination.followOtherHosts to follow it (the request's credentials go with it)")
        }
        return resolved
    }

    private static func text(_ value: Value) -> String? {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        default: return nil
        }
    }

    private static func integer(_ value: Value) -> Int? {
        switch value {
        case .int(let number): return number
        case .double(let number): return number.isFinite && number.rounded() == number && abs(number) < 9e15 ? Int(number) : nil
        case .string(let text): return Int(text)
        default: return nil
        }
    }
}
