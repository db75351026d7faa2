import Logging
import NIOCore
import PostgresNIO
import SluiceCore

extension PostgresConnection {
    /// Runs `COPY relation (columns) FROM STDIN (FORMAT binary)` and sends `rows` of `batch`
    /// as `encoder` encodes them (a run it accepts, see
    /// ``PostgresBinaryCopyEncoder/accepts(_:rows:)``), one COPY data message per slice,
    /// each encoded while the last is parsed; returns the bytes sent.
    ///
    /// PostgresNIO's `copyFrom` only writes `COPY "<table>" (…) FROM STDIN WITH (FORMAT text)`,
    /// with the table argument put between the quotes as it is. The argument given here
    /// closes the quote itself and ends the statement (`"schema"."table" ("a", "b") FROM STDIN
    /// (FORMAT binary)`) before a `--` comment that takes the rest of the line, PostgresNIO's
    /// own options included. Every name in it is quoted (``SQLIdentifier``). Should a later
    /// PostgresNIO quote the argument differently, the server finds no such table and the
    /// write fails with that error rather than sending binary data as text.
    func copyBinary(
        into relation: PostgresRelationName, columns: [String], batch: RecordBatch, rows: Range<Int>, encoder: PostgresBinaryCopyEncoder,
        logger: Logger
    ) async throws -> Int {
        let statement = PostgresBinaryCopy.tableArgument(relation, columns: columns)
        let slices = encoder.slices(rows)
        func encoded(_ index: Int) throws -> ByteBuffer {
            guard let buffer = encoder.encode(batch, rows: slices[index], of: rows) else {
                throw ConnectorError.io("a value of the batch has no binary form after all; the COPY was abandoned")
            }
            return buffer
        }
        // The first slice is ready before the server asks for data.
        let first = try encoded(0)
        var bytes = 0
        try await copyFrom(table: statement, columns: [], format: .text(.init()), logger: logger) { writer in
            for index in slices.indices {
                let buffer = index == 0 ? first : try encoded(index)
                bytes += buffer.readableBytes
                try await writer.write(buffer)
            }
        }
        return bytes
    }
}

/// The statement of a binary COPY into a table.
enum PostgresBinaryCopy {
    /// The `table` argument of PostgresNIO's `copyFrom` that makes its statement a binary
    /// COPY into `relation` (see ``PostgresNIO/PostgresConnection/copyBinary(into:columns:data:logger:)``).
    static func tableArgument(_ relation: PostgresRelationName, columns: [String]) -> String {
        "\(relation.copyName)\" (\(SQLIdentifier.list(columns))) FROM STDIN (FORMAT binary) --"
    }
}
