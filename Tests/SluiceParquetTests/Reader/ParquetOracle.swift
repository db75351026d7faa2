/// The Python oracle of the reader's differential tests: writes Parquet files with pyarrow
/// (every physical and logical type, encoding, codec and page version), DuckDB and Polars,
/// and prints pyarrow's own reading of each as one JSON line in Sluice's value conventions
/// (`{"$ts": µs}` for timestamps, `{"$f": "nan"}` for non-finite doubles).
///
/// Usage: `python3 -c script OUT_DIR [NAME…]` (all files when no name is given).
enum ParquetOracle {
    static let script = #"""
import base64, datetime, decimal, json, math, os, sys, uuid
import pyarrow as pa
import pyarrow.parquet as pq
decimal.getcontext().prec = 200

def raw_type(t):
    if isinstance(t, pa.BaseExtensionType):
        return raw_type(t.storage_type)
    if pa.types.is_date32(t) or pa.types.is_time32(t):
        return pa.int32()
    if pa.types.is_timestamp(t) or pa.types.is_time64(t) or pa.types.is_date64(t):
        return pa.int64()
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        f = t.value_field
        return pa.list_(pa.field(f.name, raw_type(f.type), f.nullable))
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, raw_type(f.type), f.nullable) for f in t])
    if pa.types.is_map(t):
        return pa.map_(raw_type(t.key_type), pa.field(t.item_field.name, raw_type(t.item_type), t.item_field.nullable))
    return t

def strip_ext(a):
    return a.storage if isinstance(a.type, pa.BaseExtensionType) else a

def fl(x):
    if math.isnan(x): return {"$f": "nan"}
    if math.isinf(x): return {"$f": "inf" if x > 0 else "-inf"}
    return float(x)

def dec(d, scale):
    if d == d.to_integral_value() and -2**63 <= int(d) < 2**63:
        return int(d)
    f = float(d)
    if math.isfinite(f) and decimal.Decimal(repr(f)) == d:
        return f
    return format(d, 'f')

def time_text(micros):
    s, frac = divmod(micros, 10**6)
    text = "%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
    return text + (".%06d" % frac if frac else "")

def micros(v, unit):
    return {"s": v * 10**6, "ms": v * 1000, "us": v, "ns": v // 1000}[unit]

def conv(v, t):
    if v is None:
        return None
    if isinstance(t, pa.BaseExtensionType):
        if t.extension_name == "arrow.uuid":
            return str(uuid.UUID(bytes=v))
        if t.extension_name == "arrow.json":
            return json.loads(v)
        t = t.storage_type
    if pa.types.is_boolean(t): return v
    if pa.types.is_integer(t): return v if v <= 2**63 - 1 else str(v)
    if pa.types.is_floating(t): return fl(float(v))
    if pa.types.is_decimal(t): return dec(v, t.scale)
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t): return v
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t) or pa.types.is_binary_view(t):
        return base64.b64encode(v).decode()
    if pa.types.is_date32(t): return {"$ts": v * 86400 * 10**6}
    if pa.types.is_timestamp(t): return {"$ts": micros(v, t.unit)}
    if pa.types.is_time32(t) or pa.types.is_time64(t): return time_text(micros(v, t.unit))
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return [conv(x, t.value_type) for x in v]
    if pa.types.is_struct(t):
        return {f.name: conv(v[f.name], f.type) for f in t}
    if pa.types.is_map(t):
        if pa.types.is_string(t.key_type) or pa.types.is_large_string(t.key_type) or pa.types.is_string_view(t.key_type):
            out = {}
            for k, x in v: out[k] = conv(x, t.item_type)
            return out
        return [{"key": conv(k, t.key_type), "value": conv(x, t.item_type)} for k, x in v]
    raise Exception("no conversion for %s" % t)

def expected(table):
    """What Sluice must read: pyarrow's own reading of the file, in Sluice's conventions."""
    columns = []
    for name, col in zip(table.column_names, table.columns):
        t = col.type
        chunks = [strip_ext(c) for c in col.chunks]
        raw = pa.chunked_array(chunks, type=chunks[0].type if chunks else raw_type(t)).cast(raw_type(t)) if chunks else pa.chunked_array([], raw_type(t))
        columns.append([conv(v, t) for v in raw.to_pylist()])
    rows = [list(r) for r in zip(*columns)] if columns else []
    return {"fields": table.column_names, "rows": rows}

def emit(path, name):
    table = pq.read_table(path, coerce_int96_timestamp_unit="us")
    out = expected(table)
    out["name"] = name
    print(json.dumps(out, allow_nan=False))

# ---------------------------------------------------------------------------------------
# The files.

def pattern(values, kind, seed=0):
    """Nulls in `values` by `kind`: none, all, alternating, runs."""
    out = []
    for i, v in enumerate(values):
        if kind == "all" or (kind == "alternating" and i % 2 == 1) or (kind == "runs" and (i // 37) % 3 == 1):
            out.append(None)
        else:
            out.append(v)
    return out

def flat_table(n, seed):
    import random
    r = random.Random(seed)
    D = decimal.Decimal
    words = ["", "a", "héllo", "naïve café", "日本語テキスト", "emoji 🎉", "x" * 60, "tab\tnew\nline", "quote\"s"]
    def word(i): return words[i % len(words)] + ("" if i % 5 else str(r.randint(0, 10**6)))
    cols = {
        "b": pa.array(pattern([r.random() < 0.5 for _ in range(n)], "alternating"), pa.bool_()),
        "b_req": pa.array([i % 3 == 0 for i in range(n)], pa.bool_()),
        "i8": pa.array(pattern([r.randint(-128, 127) for _ in range(n)], "runs"), pa.int8()),
        "i16": pa.array([r.randint(-2**15, 2**15 - 1) for _ in range(n)], pa.int16()),
        "i32": pa.array(pattern([r.randint(-2**31, 2**31 - 1) if i % 7 else i for i in range(n)], "runs"), pa.int32()),
        "i64": pa.array([r.randint(-2**63, 2**63 - 1) if i % 3 else i * 1000 for i in range(n)], pa.int64()),
        "u8": pa.array([r.randint(0, 255) for _ in range(n)], pa.uint8()),
        "u16": pa.array(pattern([r.randint(0, 2**16 - 1) for _ in range(n)], "alternating"), pa.uint16()),
        "u32": pa.array([r.randint(0, 2**32 - 1) for _ in range(n)], pa.uint32()),
        "u64": pa.array([r.randint(0, 2**64 - 1) if i % 2 else i for i in range(n)], pa.uint64()),
        "f32": pa.array(pattern([[0.5, -0.0, float("inf"), float("nan"), 1.1, -3.4e38][i % 6] if i % 4 == 0 else r.uniform(-1e6, 1e6) for i in range(n)], "runs"), pa.float32()),
        "f64": pa.array([[0.1, -0.0, float("-inf"), float("nan"), 1e-310, 1.7976931348623157e308][i % 6] if i % 5 == 0 else r.uniform(-1e9, 1e9) for i in range(n)], pa.float64()),
        "f16": pa.array(pattern([float(["0.5", "1.5", "-2", "65504", "6e-8"][i % 5]) for i in range(n)], "alternating"), pa.float16()),
        "s": pa.array(pattern([word(i) for i in range(n)], "runs"), pa.string()),
        "s_req": pa.array([word(i * 7) for i in range(n)], pa.string()),
        "ls": pa.array(pattern([word(i + 3) for i in range(n)], "alternating"), pa.large_string()),
        "bin": pa.array(pattern([bytes(r.getrandbits(8) for _ in range(i % 11)) for i in range(n)], "runs"), pa.binary()),
        "fsb": pa.array([bytes(r.getrandbits(8) for _ in range(5)) for i in range(n)], pa.binary(5)),
        "d12": pa.array(pattern([D(r.randint(-10**12 + 1, 10**12 - 1)).scaleb(-2) if i % 4 else D(i).quantize(D("0.01")) for i in range(n)], "runs"), pa.decimal128(12, 2)),
        "d38": pa.array([D(r.randint(-10**38 + 1, 10**38 - 1)).scaleb(-10) if i % 3 == 0 else D(r.randint(-10**15, 10**15)).scaleb(-10) if i % 3 == 1 else D(i * 10**10).scaleb(-10) for i in range(n)], pa.decimal128(38, 10)),
        "d5": pa.array(pattern([D(r.randint(-99999, 99999)) for _ in range(n)], "alternating"), pa.decimal128(5, 0)),
        "d18": pa.array([D(r.randint(-10**18 + 1, 10**18 - 1)).scaleb(-3) for _ in range(n)], pa.decimal128(18, 3)),
        "dt": pa.array(pattern([r.randint(-800000, 2900000) for _ in range(n)], "runs"), pa.int32()).cast(pa.date32()),
        "t32": pa.array([r.randint(0, 86399999) if i % 3 else (i % 86400) * 1000 for i in range(n)], pa.int32()).cast(pa.time32("ms")),
        "t64us": pa.array(pattern([r.randint(0, 86399999999) for _ in range(n)], "alternating"), pa.int64()).cast(pa.time64("us")),
        "t64ns": pa.array([r.randint(0, 86399999999999) for _ in range(n)], pa.int64()).cast(pa.time64("ns")),
        "ts_ms": pa.array([r.randint(-2**40, 2**40) for _ in range(n)], pa.int64()).cast(pa.timestamp("ms")),
        "ts_us": pa.array(pattern([r.randint(-2**55, 2**55) for _ in range(n)], "runs"), pa.int64()).cast(pa.timestamp("us")),
        "ts_ns": pa.array([r.randint(-2**62, 2**62) for _ in range(n)], pa.int64()).cast(pa.timestamp("ns")),
        "ts_ms_utc": pa.array([r.randint(-2**40, 2**40) for _ in range(n)], pa.int64()).cast(pa.timestamp("ms", tz="UTC")),
        "ts_us_utc": pa.array([r.randint(-2**55, 2**55) for _ in range(n)], pa.int64()).cast(pa.timestamp("us", tz="UTC")),
        "ts_ns_tz": pa.array(pattern([r.randint(-2**62, 2**62) for _ in range(n)], "alternating"), pa.int64()).cast(pa.timestamp("ns", tz="America/New_York")),
        "uuid": pa.array(pattern([uuid.UUID(int=r.getrandbits(128)).bytes for _ in range(n)], "runs"), pa.uuid()),
        "json": pa.array(pattern([json.dumps({"k": i, "v": [i, str(i)], "f": i / 4}) for i in range(n)], "alternating"), pa.json_()),
        "all_null": pa.array([None] * n, pa.int64()),
        "all_null_s": pa.array([None] * n, pa.string()),
        "const": pa.array([42] * n, pa.int64()),
    }
    schema = pa.schema([pa.field(k, v.type, nullable=not k.endswith("_req")) for k, v in cols.items()])
    return pa.table(list(cols.values()), schema=schema)

def nested_table(n, seed):
    import random
    r = random.Random(seed)
    def maybe(i, v, every=5):
        return None if i % every == 3 else v
    li = [maybe(i, [maybe(j, r.randint(-100, 100), 4) for j in range(i % 6)]) for i in range(n)]
    ls = [maybe(i, ["s%d" % j for j in range(i % 4)], 7) for i in range(n)]
    st = [maybe(i, {"a": maybe(i, i, 3), "b": "b%d" % i, "c": [i, -i] if i % 2 else []}, 6) for i in range(n)]
    lst = [maybe(i, [maybe(j, {"x": j, "y": maybe(j, "y%d" % j, 3), "z": [j] * (j % 3)}, 5) for j in range(i % 5)], 4) for i in range(n)]
    ll = [maybe(i, [maybe(j, [k for k in range(j % 3)], 3) for j in range(i % 4)], 6) for i in range(n)]
    mp = [maybe(i, [("k%d" % j, maybe(j, j * 1.5, 2)) for j in range(i % 4)], 5) for i in range(n)]
    mi = [maybe(i, [(j, "v%d" % j) for j in range(i % 3)], 4) for i in range(n)]
    ms = [maybe(i, [("a", {"p": i, "q": [i]})] if i % 2 else [], 3) for i in range(n)]
    lts = [[(i * 1000 + j) for j in range(i % 3)] for i in range(n)]
    return pa.table({
        "id": pa.array(range(n), pa.int64()),
        "li": pa.array(li, pa.list_(pa.int32())),
        "ls": pa.array(ls, pa.list_(pa.string())),
        "st": pa.array(st, pa.struct([("a", pa.int64()), ("b", pa.string()), ("c", pa.list_(pa.int64()))])),
        "lst": pa.array(lst, pa.list_(pa.struct([("x", pa.int32()), ("y", pa.string()), ("z", pa.list_(pa.int16()))]))),
        "ll": pa.array(ll, pa.list_(pa.list_(pa.int64()))),
        "mp": pa.array(mp, pa.map_(pa.string(), pa.float64())),
        "mi": pa.array(mi, pa.map_(pa.int32(), pa.string())),
        "ms": pa.array(ms, pa.map_(pa.string(), pa.struct([("p", pa.int64()), ("q", pa.list_(pa.int64()))]))),
        "lts": pa.array(lts, pa.list_(pa.int64())).cast(pa.list_(pa.timestamp("us"))),
        "lreq": pa.array([[i] * (i % 3) for i in range(n)], pa.list_(pa.field("item", pa.int64(), nullable=False))),
        "ldec": pa.array([[decimal.Decimal(i).scaleb(-2)] for i in range(n)], pa.list_(pa.decimal128(10, 2))),
    })

def write_all(out_dir, only=None):
    n = 1200
    flat = flat_table(n, 1)
    nested = nested_table(n, 2)
    small = dict(data_page_size=2048, row_group_size=500)
    ints = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "dt", "t32", "t64us", "t64ns", "ts_ms", "ts_us", "ts_ns", "ts_ms_utc", "ts_us_utc", "ts_ns_tz", "all_null", "const"]
    specs = {
        "flat_plain_v1": (flat, dict(use_dictionary=False, compression="none", data_page_version="1.0", **small)),
        "flat_plain_v2": (flat, dict(use_dictionary=False, compression="none", data_page_version="2.0", **small)),
        "flat_dict_v1": (flat, dict(use_dictionary=True, compression="none", data_page_version="1.0", **small)),
        "flat_dict_v2": (flat, dict(use_dictionary=True, compression="none", data_page_version="2.0", **small)),
        "flat_delta_v1": (flat, dict(use_dictionary=False, compression="none", data_page_version="1.0",
            column_encoding={**{c: "DELTA_BINARY_PACKED" for c in ints}, "s": "DELTA_LENGTH_BYTE_ARRAY", "s_req": "DELTA_BYTE_ARRAY",
                             "ls": "DELTA_BYTE_ARRAY", "bin": "DELTA_LENGTH_BYTE_ARRAY", "json": "DELTA_BYTE_ARRAY", "fsb": "DELTA_BYTE_ARRAY",
                             "uuid": "DELTA_BYTE_ARRAY", "all_null_s": "DELTA_LENGTH_BYTE_ARRAY"}, **small)),
        "flat_delta_v2": (flat, dict(use_dictionary=False, compression="none", data_page_version="2.0",
            column_encoding={**{c: "DELTA_BINARY_PACKED" for c in ints}, "s": "DELTA_BYTE_ARRAY", "s_req": "DELTA_LENGTH_BYTE_ARRAY",
                             "ls": "DELTA_LENGTH_BYTE_ARRAY", "bin": "DELTA_BYTE_ARRAY"}, **small)),
        "flat_bss_v1": (flat, dict(use_dictionary=False, compression="none", data_page_version="1.0",
            column_encoding={c: "BYTE_STREAM_SPLIT" for c in ["f32", "f64", "i32", "i64", "fsb", "d12", "d38", "uuid", "f16", "ts_us"]}, **small)),
        "flat_bss_v2": (flat, dict(use_dictionary=False, use_byte_stream_split=["f32", "f64", "f16", "i32", "i64", "fsb", "d12"], compression="none", data_page_version="2.0", **small)),
        "flat_int_decimals": (flat, dict(use_dictionary=False, compression="none", store_decimal_as_integer=True, **small)),
        "flat_int_decimals_dict": (flat, dict(use_dictionary=True, compression="none", store_decimal_as_integer=True, data_page_version="2.0", **small)),
        "flat_int96": (flat, dict(use_dictionary=False, compression="none", use_deprecated_int96_timestamps=True, **small)),
        "flat_int96_dict": (flat, dict(use_dictionary=True, compression="none", use_deprecated_int96_timestamps=True, **small)),
        "flat_one_page": (flat, dict(compression="none")),
        "flat_dict_fallback": (flat, dict(use_dictionary=True, compression="none", dictionary_pagesize_limit=600, **small)),
        "flat_dict_fallback_v2": (flat, dict(use_dictionary=True, compression="none", dictionary_pagesize_limit=600, data_page_version="2.0", **small)),
        "flat_rows_per_page": (flat, dict(compression="none", max_rows_per_page=97, row_group_size=1300)),
        "nested_plain_v1": (nested, dict(use_dictionary=False, compression="none", data_page_version="1.0", **small)),
        "nested_plain_v2": (nested, dict(use_dictionary=False, compression="none", data_page_version="2.0", **small)),
        "nested_dict_v1": (nested, dict(use_dictionary=True, compression="none", data_page_version="1.0", max_rows_per_page=50, row_group_size=700)),
        "nested_dict_v2": (nested, dict(use_dictionary=True, compression="none", data_page_version="2.0", max_rows_per_page=50, row_group_size=700)),
        "nested_legacy_names": (nested, dict(compression="none", use_compliant_nested_type=False, **small)),
        "nested_delta": (nested, dict(use_dictionary=False, compression="none", column_encoding={"li.list.element": "DELTA_BINARY_PACKED", "ls.list.element": "DELTA_BYTE_ARRAY"}, **small)),
    }
    for codec in ["snappy", "gzip", "zstd", "lz4"]:
        specs["flat_%s_v1" % codec] = (flat, dict(compression=codec, data_page_version="1.0", **small))
        specs["flat_%s_v2" % codec] = (flat, dict(compression=codec, data_page_version="2.0", use_dictionary=False, **small))
        specs["nested_%s_v2" % codec] = (nested, dict(compression=codec, data_page_version="2.0", **small))
    specs["pyarrow_default"] = (flat, dict())
    for name, (table, options) in specs.items():
        if only and name not in only: continue
        path = os.path.join(out_dir, name + ".parquet")
        pq.write_table(table, path, **options)
        emit(path, name)
    if only is None or "duckdb_default" in only:
        import duckdb
        path = os.path.join(out_dir, "duckdb_default.parquet")
        con = duckdb.connect()
        con.execute("""COPY (SELECT i::INTEGER AS i, i::BIGINT * 1000003 AS big, 'name' || i AS s,
            CASE WHEN i % 3 = 0 THEN NULL ELSE i / 7 END AS dbl, (i * 1.25)::DECIMAL(12,2) AS dec,
            (i * 3.5)::DECIMAL(38,5) AS wide, DATE '2020-01-01' + i::INTEGER AS day,
            TIMESTAMP '2020-01-01' + i * INTERVAL 1 MINUTE AS ts, TIMESTAMPTZ '2020-01-01 00:00:00+00' + i * INTERVAL 1 SECOND AS tstz,
            i % 2 = 0 AS flag, CASE WHEN i % 5 = 0 THEN NULL ELSE [i, i + 1] END AS l,
            {'a': i, 'b': 's' || i} AS st, MAP {'k': i} AS m, (i % 7)::UTINYINT AS small, i::HUGEINT * 1000 AS huge,
            TIME '00:00:00' + i * INTERVAL 1 SECOND AS tod
            FROM range(5000) t(i)) TO '{path}' """.replace("{path}", path))
        emit(path, "duckdb_default")
    if only is None or "polars_default" in only:
        import polars as pl
        path = os.path.join(out_dir, "polars_default.parquet")
        df = pl.DataFrame({
            "i": list(range(5000)),
            "s": ["v%d" % (i % 100) if i % 9 else None for i in range(5000)],
            "f": [i / 3 for i in range(5000)],
            "l": [[i, i * 2] if i % 4 else None for i in range(5000)],
            "st": [{"a": i, "b": "x"} for i in range(5000)],
            "d": pl.Series([datetime.date(2000, 1, 1) + datetime.timedelta(days=i) for i in range(5000)]),
            "t": pl.Series([datetime.datetime(2000, 1, 1) + datetime.timedelta(microseconds=i * 1234567) for i in range(5000)]),
            "b": [i % 2 == 0 for i in range(5000)],
            "dec": pl.Series([decimal.Decimal(i).scaleb(-2) for i in range(5000)], dtype=pl.Decimal(10, 2)),
        })
        df.write_parquet(path)
        emit(path, "polars_default")
        path = os.path.join(out_dir, "polars_plain.parquet")
        df.write_parquet(path, compression="uncompressed", row_group_size=3000, data_page_size=4000)
        emit(path, "polars_plain")

if __name__ == "__main__":
    write_all(sys.argv[1], set(sys.argv[2:]) or None)
"""#
}
