import Testing
@Test func placeholder() { #expect(1 == 1) }
import HummingbirdTesting
