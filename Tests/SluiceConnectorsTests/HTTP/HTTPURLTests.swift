@testable import SluiceConnectors
import Testing

/// Query parameters, link headers and `Retry-After` values.
@Suite struct HTTPURLTests {
    @Test func settingParametersReplacesEncodesAndKeepsTheRest() {
        #expect(HTTPURL.setting([("page", "2")], in: "http://h/x?a=1&page=1&b=2") == "http://h/x?a=1&page=2&b=2")
        #expect(HTTPURL.setting([("page", "2"), ("size", "10")], in: "http://h/x") == "http://h/x?page=2&size=10")
        #expect(HTTPURL.setting([("q", "a b/c&d=é")], in: "http://h/x#top") == "http://h/x?q=a%20b%2Fc%26d%3D%C3%A9#top")
        #expect(HTTPURL.setting([("since", "x")], in: "http://h/x?since=1&since=2&z") == "http://h/x?since=x&z")
        #expect(HTTPURL.shown("https://user:pw@h/x?token=abc#f") == "https://user:***@h/x")
        #expect(HTTPURL.resolve("/y?p=2", against: "http://h:8/x/z?p=1") == "http://h:8/y?p=2")
        #expect(HTTPURL.resolve("next", against: "http://h/x/z") == "http://h/x/next")
        #expect(HTTPURL.resolve("ftp://h/x", against: "http://h/") == nil)
        #expect(HTTPURL.origin("HTTPS://Api.Example.com/x") == "https://api.example.com:443")
    }

    @Test func linkHeaders() {
        #expect(LinkHeader.next(in: #"<https://h/x?page=2>; rel="next", <https://h/x?page=9>; rel="last""#) == "https://h/x?page=2")
        #expect(LinkHeader.next(in: #"<https://h/x?page=9>; rel="last", <https://h/x?a=1,2;b>;rel=next"#) == "https://h/x?a=1,2;b")
        #expect(LinkHeader.next(in: #"<https://h/p1>; title="a, \"b\"; c"; rel="prev next""#) == "https://h/p1")
        #expect(LinkHeader.next(in: #"<https://h/p1>; rel="prev""#) == nil)
        #expect(LinkHeader.next(in: "<unterminated; rel=next") == nil)
        #expect(LinkHeader.next(in: "") == nil)
    }

    @Test func retryAfterValues() {
        let now = 784_111_777.0  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.seconds("120", now: now) == 120)
        #expect(RetryAfter.seconds(" 1.5 ", now: now) == 1.5)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:47 GMT", now: now) == 10)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:27 GMT", now: now) == 0)
        #expect(RetryAfter.seconds("-3", now: now) == nil)
        #expect(RetryAfter.seconds("soon", now: now) == nil)
        #expect(RetryAfter.resetSeconds("30", now: now) == 30)
        #expect(RetryAfter.resetSeconds("1800000060", now: 1_800_000_000) == 60)
    }
}
