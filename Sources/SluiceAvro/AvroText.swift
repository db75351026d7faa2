import SluiceFormats

/// UTF-8 checks for Avro `string` values (the spec requires UTF-8; a file may still hold
/// anything), with the validator the text formats use.
enum AvroText {
    /// The offset of the first byte of the first ill-formed UTF-8 sequence in `bytes`, or
    /// `nil` when all of it is well-formed.
    static func firstInvalid(_ bytes: UnsafeRawBufferPointer) -> Int? { UTF8Validation.firstInvalid(bytes) }

    /// `bytes` as a `String` when they are well-formed UTF-8.
    static func string(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard firstInvalid(bytes) == nil else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
