import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

/// Every pagination style against the stand-in API (`scripts/http/api_server.py`): every page
/// read once, in order, and nothing past the last. Tests that check the exact requests read
/// page and offset pagination with `prefetch: 0` (one request at a time); the prefetch tests
/// check the requests sent ahead.
@Suite struct APIPaginationTests {
    /// A server of the test's own (stopped when the test releases it).
    func server() async throws -> LoopbackServer { try await LoopbackServer.api() }

    /// The queries the server saw for `path`, in order.
    func queries(_ server: LoopbackServer, _ path: String) async throws -> [String] {
        try await server.requests().log.filter { $0.path == path }.map(\.queryText)
    }

    @Test func pageNumbersStopAtTheShortPage() async throws {
        let server = try await server()
        let read = try await APITest.read([
            "url": .string("\(server.base)/page?n=95"), "recordsPath": "data",
            "pagination": ["type": "page", "prefetch": 0, "pageSizeParam": "per_page", "pageSize": 10],
        ])
        #expect(read.ids == Array(1...95))
        #expect(read.positions == Array(1...95))
        #expect(try await queries(server, "/page") == (1...10).map { "n=95&page=\($0)&per_page=10" })
    }

    @Test func pageNumbersStopAtTheTotalOrAnEmptyPage() async throws {
        let server = try await server()
        // 100 records: page 10 is full, and the total says it is the last.
        let counted = try await APITest.read([
            "url": .string("\(server.base)/page?n=100&per_page=10"), "recordsPath": "data",
            "pagination": ["type": "page", "prefetch": 0, "totalPath": "meta.total", "stopOnShortPage": false, "startPage": 1],
        ])
        #expect(counted.ids == Array(1...100))
        #expect(try await queries(server, "/page") == (1...10).map { "n=100&page=\($0)&per_page=10" })
        try await server.reset()
        // No page size known: the empty page 4 ends the read.
        let untilEmpty = try await APITest.read(["url": .string("\(server.base)/page?n=30"), "recordsPath": "data", "pagination": ["type": "page", "prefetch": 0]])
        #expect(untilEmpty.ids == Array(1...30))
        #expect(try await queries(server, "/page") == (1...4).map { "n=30&page=\($0)" })
    }

    @Test func offsetAndLimit() async throws {
        let server = try await server()
        let read = try await APITest.read([
            "url": .string("\(server.base)/offset?n=95"), "recordsPath": "items",
            "pagination": ["type": "offset", "prefetch": 0, "offsetParam": "offset", "limitParam": "limit", "limit": 10, "startOffset": 0],
        ])
        #expect(read.ids == Array(1...95))
        #expect(try await queries(server, "/offset") == stride(from: 0, through: 90, by: 10).map { "limit=10&n=95&offset=\($0)" })
    }

    @Test func cursorFromTheBody() async throws {
        let server = try await server()
        let read = try await APITest.read([
            "url": .string("\(server.base)/cursor?n=95"), "recordsPath": "results",
            "pagination": ["type": "cursor", "cursorParam": "cursor", "cursorPath": "paging.next"],
        ])
        #expect(read.ids == Array(1...95))
        let cursors = try await server.requests().log.filter { $0.path == "/cursor" }.map { $0.query["cursor"] ?? "" }
        #expect(cursors == [""] + stride(from: 10, through: 90, by: 10).map { Array("\($0)".utf8).base64URL })
    }

    @Test func linkHeaderAndNextURL() async throws {
        let server = try await server()
        let linked = try await APITest.read(["url": .string("\(server.base)/link?n=95"), "pagination": ["type": "link"]])
        #expect(linked.ids == Array(1...95))
        #expect(try await queries(server, "/link") == ["n=95"] + (2...10).map { "n=95&page=\($0)" })
        try await server.reset()
        let next = try await APITest.read([
            "url": .string("\(server.base)/nexturl?n=95"), "recordsPath": "data", "pagination": ["type": "nextUrl", "nextUrlPath": "links.next"],
        ])
        #expect(next.ids == Array(1...95))
        #expect(try await queries(server, "/nexturl") == ["n=95"] + (2...10).map { "n=95&page=\($0)" })
    }

    @Test func maxPagesEndsTheReadQuietly() async throws {
        let server = try await server()
        let read = try await APITest.read(["url": .string("\(server.base)/link?n=95"), "pagination": ["type": "link", "maxPages": 3]])
        #expect(read.ids == Array(1...30))
        #expect(try await queries(server, "/link").count == 3)
    }

    @Test func aLoopAndALinkToAnotherHostFailTheRead() async throws {
        let server = try await server()
        let loop = await APITest.failure {
            _ = try await APITest.read(["url": .string("\(server.base)/loop"), "recordsPath": "data", "pagination": ["type": "nextUrl", "nextUrlPath": "links.next"]])
        }
        #expect(loop == "api:\(server.base)/loop: page 2 leads back to a page already read (\(server.base)/loop); the pagination loops")
        let elsewhere = await APITest.failure {
            _ = try await APITest.read([
                "url": .string("\(server.base)/elsewhere"), "recordsPath": "data", "pagination": ["type": "nextUrl", "nextUrlPath": "links.next"],
            ])
        }
        #expect(
            elsewhere
                == "the next-page link of \(server.base)/elsewhere leads to another host (http://169.254.169.254/latest/meta-data/); "
                + "set pagination.followOtherHosts to follow it (the request's credentials go with it)")
        #expect(try await server.requests().log.map(\.path) == ["/loop", "/loop", "/elsewhere"])
    }

    /// With `prefetch: 2` the next two pages are asked for as a page arrives: the stand-in holds
    /// each page from the second on until the page after it has been requested, so a client
    /// that did not request ahead would hit the gate's timeout (logged) on every page.
    @Test func pagesAreRequestedAheadAndEachIsReadOnce() async throws {
        let server = try await server()
        let read = try await APITest.read([
            "url": .string("\(server.base)/gated?n=95&gate=30"), "recordsPath": "data", "timeoutMs": 120_000,
            "pagination": ["type": "page", "pageSize": 10, "prefetch": 2],
        ])
        #expect(read.ids == Array(1...95))
        #expect(read.positions == Array(1...95))
        let log = try await server.requests().log
        // (A guess past the last page may wait at its gate: the page after it is never asked for.)
        #expect(log.filter { $0.path == "/gated-timeout" }.compactMap { $0.query["page"].flatMap { Int($0) } }.filter { $0 <= 10 } == [])
        // Pages 1–10 once each; past the short page 10 at most the two guesses 11 and 12.
        let pages = log.filter { $0.path == "/gated" }.compactMap { $0.query["page"].flatMap { Int($0) } }
        #expect(pages.filter { $0 <= 10 }.sorted() == Array(1...10))
        #expect(Set(pages.filter { $0 > 10 }).isSubset(of: [11, 12]))
        #expect(pages.count == Set(pages).count)
    }

    /// Offsets guessed from full pages are wrong when the server gives fewer records than the
    /// limit asks: the wrong requests are dropped, the right offsets read, no record twice.
    @Test func aWrongGuessIsDroppedAndTheRightOffsetRead() async throws {
        let server = try await server()
        let read = try await APITest.read([
            "url": .string("\(server.base)/offset?n=40&cap=7"), "recordsPath": "items",
            "pagination": ["type": "offset", "limit": 10, "stopOnShortPage": false, "prefetch": 3],
        ])
        #expect(read.ids == Array(1...40))
        let offsets = try await server.requests().log.filter { $0.path == "/offset" }.compactMap { $0.query["offset"].flatMap { Int($0) } }
        // Every page the read used: 0, 7, …, 35 (5 records), and the empty page at 40.
        let used = [0, 7, 14, 21, 28, 35, 40]
        #expect(Set(offsets).isSuperset(of: used))
        // Any other request was a guess of a full page after one of them.
        let guesses = Set(used.flatMap { read in (1...3).map { read + 10 * $0 } })
        #expect(Set(offsets).subtracting(used).isSubset(of: guesses))
    }

    @Test func aRejectedElementNamesItsPageAndIndex() async throws {
        let server = try await server()
        let read = try await APITest.read(["url": .string("\(server.base)/mixed"), "recordsPath": "data", "pagination": ["type": "page", "prefetch": 0]])
        #expect(read.ids == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15])
        #expect(read.positions == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15])
        #expect(read.rejected == [Rejection(record: "not a record", reasons: ["page 2, record 3: expected an object, found string"], position: 8, stage: "source")])
    }

    @Test func badPaginationBlocksNameTheirKey() throws {
        func failure(_ pagination: Value) -> String? {
            do {
                _ = try APITest.source(["url": "http://127.0.0.1:1/x", "pagination": pagination])
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(failure(["type": "cursor", "cursorParam": "c"]) == "pagination.cursorPath: required for cursor pagination")
        #expect(failure(["type": "offset"]) == "pagination.limit: required for offset pagination")
        #expect(failure(["type": "link", "totalPath": "total"]) == "pagination.totalPath: only page and offset pagination stop at a total")
        #expect(failure(["type": "page", "pageSizeParam": "size"]) == "pagination.pageSize: required with pageSizeParam")
        #expect(failure(["type": "page", "prefetch": 9]) == "pagination.prefetch: must be from 0 to 8, got 9")
    }
}

extension Array where Element == UInt8 {
    /// URL-safe base64 with padding, as Python's `urlsafe_b64encode` writes it.
    var base64URL: String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < count {
            let chunk = Array(self[index..<Swift.min(index + 3, count)])
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 63] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
