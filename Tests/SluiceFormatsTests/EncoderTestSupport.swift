import SluiceCore

@testable import SluiceFormats

/// Encodes `batches` with a fresh encoder and returns the text written.
func encode(_ format: DataFormat, _ batches: [RecordBatch], options: EncodeOptions = EncodeOptions()) -> String {
    var encoder = makeEncoder(format, options: options)
    var out: [UInt8] = []
    encoder.begin(into: &out)
    for batch in batches { encoder.encode(batch, into: &out) }
    encoder.end(into: &out)
    return String(decoding: out, as: UTF8.self)
}

/// A batch with typed columns (ints, doubles, bools, text), nulls, absent rows and a
/// `[Value]` column holding nested values and a timestamp.
func sampleBatch() -> RecordBatch {
    var id = ColumnBuilder()
    var score = ColumnBuilder()
    var ok = ColumnBuilder()
    var name = ColumnBuilder()
    var extra = ColumnBuilder()
    id.appendInt(1)
    id.appendInt(-20)
    id.appendInt(300)
    score.appendDouble(1.0)
    score.appendNull()
    score.appendDouble(0.1)
    ok.appendBool(true)
    ok.appendBool(false)
    ok.appendAbsent()
    name.appendString("Ann, \"A\"")
    name.appendString(" padded")
    name.appendString("")
    extra.append(.array([1, "x"]))
    extra.append(.timestamp(Timestamp(milliseconds: 1_704_164_645_000)))
    extra.append(.object(ValueObject([("k", .string("line\nbreak"))])))
    return RecordBatch(
        fields: ["id", "score", "ok", "name", "extra"], columns: [id, score, ok, name, extra].map { $0.build() },
        positions: [1, 2, 3])
}
