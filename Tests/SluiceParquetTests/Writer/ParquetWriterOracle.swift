import Foundation
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

@testable import SluiceParquet

/// Writes batches with ``ParquetEncoder`` and reads the file back with pyarrow, DuckDB and
/// Polars (the oracles), each result normalised to Sluice's value conventions: timestamps as
/// microseconds since the epoch, dates as days, times as microseconds of the day, decimals as
/// their exact text, binary as base64, UUIDs as canonical text, JSON columns parsed (Polars
/// reads a JSON column as binary: its bytes are the JSON text).
enum ParquetWriterOracle {
    /// The engines that read every file.
    static let engines = ["pyarrow", "duckdb", "polars"]

    /// Encodes `batches` into one file's bytes.
    static func encode(_ batches: [RecordBatch], options: ParquetWriteOptions = ParquetWriteOptions()) throws -> [UInt8] {
        var encoder = ParquetEncoder(options: options)
        var out: [UInt8] = []
        try encoder.begin(into: &out)
        for batch in batches { try encoder.encode(batch, into: &out) }
        try encoder.finish(into: &out)
        return out
    }

    /// Writes `bytes` to a temporary file and runs the oracle script on it. `kinds` names the
    /// columns whose normal form depends on their declared type (`uuid`, `json`).
    static func read(_ bytes: [UInt8], kinds: [String: String] = [:], engines: [String] = engines + ["meta"]) async throws -> Value {
        let directory = try TemporaryDirectory(prefix: "sluice-parquet-writer")
        defer { directory.remove() }
        let path = directory.file("data.parquet")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let kindsJSON = JSONText.string(.object(ValueObject(kinds.map { ($0.key, Value.string($0.value)) })))
        let output = try await Python.run(script, arguments: [path, kindsJSON, engines.joined(separator: ",")])
        return try JSONParser.parse(output)
    }

    /// Checks that every engine read `expected` (column name → normal-form values) from
    /// `result`, recording the first difference of each column.
    static func expectColumns(
        _ result: Value, _ expected: [(String, [Value])], engines: [String] = engines, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for engine in engines {
            guard let table = result.value(atPath: engine)?.objectValue else {
                Issue.record("\(engine) returned nothing", sourceLocation: sourceLocation)
                continue
            }
            #expect(table.keys == expected.map(\.0), "\(engine) columns", sourceLocation: sourceLocation)
            for (name, values) in expected {
                guard let got = table[name]?.arrayValue else {
                    Issue.record("\(engine): no column \(name)", sourceLocation: sourceLocation)
                    continue
                }
                if let difference = firstDifference(got, values) {
                    Issue.record("\(engine), column \(name): \(difference)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// A description of the first difference between `got` and `expected`, `nil` when equal.
    static func firstDifference(_ got: [Value], _ expected: [Value]) -> String? {
        for i in 0..<min(got.count, expected.count) where !same(got[i], expected[i]) {
            return "row \(i): got \(got[i]), expected \(expected[i])"
        }
        if got.count != expected.count { return "got \(got.count) rows, expected \(expected.count)" }
        return nil
    }

    /// Equality that also tells an int from a double of the same value and -0.0 from 0.0 only
    /// where the oracle's JSON could (it cannot: JSON numbers compare by value).
    private static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.bool, .int), (.int, .bool), (.bool, .double), (.double, .bool): return false
        default: return a == b
        }
    }

    /// Field `path` of the metadata of the result (`parquet_schema.price.logical`).
    static func meta(_ result: Value, _ path: String) -> Value? { result.value(atPath: path) }

    static let script = """
import sys, json, base64, uuid, decimal, datetime, math
import pyarrow as pa, pyarrow.parquet as pq

path = sys.argv[1]
kinds = json.loads(sys.argv[2])
engines = sys.argv[3].split(",")

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

def scalar(v, kind):
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int) and v > 2**63 - 1:
        return str(v)
    if isinstance(v, float):
        if math.isnan(v): return "NaN"
        if math.isinf(v): return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None: v = v.replace(tzinfo=datetime.timezone.utc)
        return (v - EPOCH) // datetime.timedelta(microseconds=1)
    if isinstance(v, datetime.date):
        return (v - datetime.date(1970, 1, 1)).days
    if isinstance(v, datetime.time):
        return ((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        v = bytes(v)
        if kind == "uuid": return str(uuid.UUID(bytes=v))
        if kind == "json": return json.loads(v.decode())
        return base64.b64encode(v).decode()
    if isinstance(v, str):
        if kind == "json": return json.loads(v)
        if kind == "uuid": return v.lower()
        return v
    if isinstance(v, dict):
        return {k: scalar(x, None) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        if kind == "map":
            # A map: (key, value) tuples (pyarrow, DuckDB) or {key, value} structs (Polars);
            # text keys make an object, as Sluice holds maps.
            pairs = [(p["key"], p["value"]) if isinstance(p, dict) else p for p in v]
            if all(isinstance(k, str) for k, _ in pairs):
                return {k: scalar(x, None) for k, x in pairs}
            return [{"key": scalar(k, None), "value": scalar(x, None)} for k, x in pairs]
        return [scalar(x, None) for x in v]
    return v

def column(arr, kind):
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks else pa.array([], arr.type)
    t = arr.type
    if isinstance(t, pa.ExtensionType):
        if t.extension_name == "arrow.uuid":
            return [None if v is None else str(uuid.UUID(bytes=v)) for v in arr.storage.to_pylist()]
        return column(arr.storage, kind)
    if pa.types.is_dictionary(t):
        return column(arr.dictionary_decode(), kind)
    if pa.types.is_timestamp(t):
        ints = arr.cast(pa.int64()).to_pylist()
        scale = {"s": 1_000_000, "ms": 1000, "us": 1}
        if t.unit == "ns":
            return [None if v is None else v // 1000 for v in ints]
        return [None if v is None else v * scale[t.unit] for v in ints]
    if pa.types.is_time(t):
        ints = arr.cast(pa.int64() if pa.types.is_time64(t) else pa.int32()).to_pylist()
        if t.unit == "ns": return [None if v is None else v // 1000 for v in ints]
        scale = {"s": 1_000_000, "ms": 1000, "us": 1}[t.unit]
        return [None if v is None else v * scale for v in ints]
    return [scalar(v, kind) for v in arr.to_pylist()]

def table_values(table):
    return {name: column(table.column(name), kinds.get(name)) for name in table.column_names}

out = {}
if "pyarrow" in engines:
    out["pyarrow"] = table_values(pq.read_table(path))
if "duckdb" in engines:
    import duckdb
    con = duckdb.connect()
    out["duckdb"] = table_values(con.sql(f"select * from read_parquet('{path}')").arrow().read_all())
if "polars" in engines:
    import polars as pl
    out["polars"] = table_values(pl.read_parquet(path).to_arrow())
if "meta" in engines:
    f = pq.ParquetFile(path)
    out["arrow_schema"] = {field.name: str(field.type) for field in pq.read_schema(path)}
    out["parquet_schema"] = {}
    for i in range(len(f.schema)):
        c = f.schema.column(i)
        out["parquet_schema"][c.name] = {
            "physical": c.physical_type, "logical": str(c.logical_type), "converted": c.converted_type,
            "optional": c.max_definition_level == 1}
    md = f.metadata
    out["created_by"] = md.created_by
    out["num_rows"] = md.num_rows
    groups = []
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        cols = {}
        for j in range(rg.num_columns):
            cc = rg.column(j)
            s = cc.statistics
            entry = {"compression": cc.compression, "encodings": list(cc.encodings),
                     "has_dictionary": cc.has_dictionary_page}
            if s is not None:
                entry["null_count"] = s.null_count
                entry["has_min_max"] = s.has_min_max
                if s.has_min_max:
                    k = kinds.get(cc.path_in_schema)
                    entry["min"] = scalar(s.min, k)
                    entry["max"] = scalar(s.max, k)
            cols[cc.path_in_schema] = entry
        groups.append({"num_rows": rg.num_rows, "columns": cols})
    out["row_groups"] = groups
print(json.dumps(out))
"""
}
