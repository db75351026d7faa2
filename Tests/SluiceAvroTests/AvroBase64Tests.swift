@testable import SluiceAvro
import Testing

@Suite struct AvroBase64Tests {
    @Test func roundTripsEveryLength() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            let text = bytes.withUnsafeBytes { AvroBase64.encode($0) }
            #expect(AvroBase64.decode(text) == bytes, "length \(length)")
            #expect(text.count == (length + 2) / 3 * 4)
        }
        #expect([UInt8]("foobar".utf8).withUnsafeBytes { AvroBase64.encode($0) } == "Zm9vYmFy")
        #expect([UInt8]("fo".utf8).withUnsafeBytes { AvroBase64.encode($0) } == "Zm8=")
    }

    @Test func decodingRefusesWhatIsNotBase64() {
        #expect(AvroBase64.decode("Zm8") == Array("fo".utf8))
        #expect(AvroBase64.decode("Zm8=") == Array("fo".utf8))
        #expect(AvroBase64.decode("Zg==") == Array("f".utf8))
        #expect(AvroBase64.decode("Z") == nil)
        #expect(AvroBase64.decode("Zm8=Zm8=") == nil)
        #expect(AvroBase64.decode("Zm9v!") == nil)
        #expect(AvroBase64.decode("Zg=") == nil)
        #expect(AvroBase64.decode("Zm8==") == nil)
        #expect(AvroBase64.decode("") == [])
        #expect(AvroBase64.decode("é") == nil)
    }
}
