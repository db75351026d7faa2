import Foundation
import SluiceCore
import SluiceTestSupport

/// fastavro as the oracle: Python scripts that write Avro files with every type, and read any
/// Avro file back into JSON in Sluice's value conventions.
enum AvroOracle {
    /// Python functions that rewrite an Avro container file's blocks with another codec
    /// (fastavro's own zstandard needs `backports.zstd`, which is not installed; the
    /// `zstandard` module is): `transcode(data, codec) -> bytes`, `header_codec(data)`.
    static let transcodeFunctions = #"""
import io, zlib, cramjam, zstandard, struct

def _read_long(b, p):
    shift = 0
    raw = 0
    while True:
        byte = b[p]
        p += 1
        raw |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    return (raw >> 1) ^ -(raw & 1), p

def _write_long(v):
    raw = (v << 1) ^ (v >> 63)
    out = bytearray()
    while raw >= 0x80:
        out.append((raw & 0x7F) | 0x80)
        raw >>= 7
    out.append(raw)
    return bytes(out)

def _parse(data):
    assert data[:4] == b"Obj\x01"
    p = 4
    meta = []
    while True:
        n, p = _read_long(data, p)
        if n == 0:
            break
        if n < 0:
            n = -n
            _, p = _read_long(data, p)
        for _ in range(n):
            kl, p = _read_long(data, p)
            k = data[p:p + kl].decode()
            p += kl
            vl, p = _read_long(data, p)
            meta.append((k, data[p:p + vl]))
            p += vl
    sync = data[p:p + 16]
    p += 16
    blocks = []
    while p < len(data):
        count, p = _read_long(data, p)
        size, p = _read_long(data, p)
        blocks.append((count, data[p:p + size]))
        p += size + 16
    return meta, sync, blocks

def header_codec(data):
    meta, _, _ = _parse(data)
    return dict(meta).get("avro.codec", b"null").decode()

def _decompress(codec, d):
    if codec == "null":
        return d
    if codec == "deflate":
        return zlib.decompress(d, -15)
    if codec == "snappy":
        raw = bytes(cramjam.snappy.decompress_raw(d[:-4]))
        assert struct.unpack(">I", d[-4:])[0] == zlib.crc32(raw) & 0xFFFFFFFF, "snappy CRC mismatch"
        return raw
    if codec == "zstandard":
        return zstandard.ZstdDecompressor().stream_reader(io.BytesIO(d)).read()
    raise Exception("codec " + codec)

def _compress(codec, d):
    if codec == "null":
        return d
    if codec == "deflate":
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        return c.compress(d) + c.flush()
    if codec == "snappy":
        return bytes(cramjam.snappy.compress_raw(d)) + struct.pack(">I", zlib.crc32(d) & 0xFFFFFFFF)
    if codec == "zstandard":
        return zstandard.ZstdCompressor().compress(d)
    raise Exception("codec " + codec)

def transcode(data, target):
    meta, sync, blocks = _parse(data)
    source = dict(meta).get("avro.codec", b"null").decode()
    meta = [(k, v) for k, v in meta if k != "avro.codec"] + [("avro.codec", target.encode())]
    out = bytearray(b"Obj\x01")
    out += _write_long(len(meta))
    for k, v in meta:
        out += _write_long(len(k.encode())) + k.encode() + _write_long(len(v)) + v
    out += _write_long(0) + sync
    for count, d in blocks:
        c = _compress(target, _decompress(source, d))
        out += _write_long(count) + _write_long(len(c)) + c + sync
    return bytes(out)
"""#

    /// Reads the Avro file `argv[1]` with fastavro and prints `{"rows": [...], "schema": ...}`,
    /// each value converted to Sluice's conventions: timestamps (and dates) → `{"$ts": µs}`,
    /// times → `HH:MM:SS[.ffffff]`, decimals → int / float / exact text, UUIDs → text,
    /// bytes → base64, durations → `{months, days, milliseconds}`. Logical types fastavro
    /// does not know (nanosecond timestamps, duration, uuid on fixed) are converted here from
    /// the writer schema.
    static let readScript = #"""
import fastavro, json, sys, base64, datetime, decimal, uuid, struct, math, io

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
decimal.getcontext().prec = 100

def generic(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        d = v - EPOCH
        return {"$ts": (d.days * 86400 + d.seconds) * 1000000 + d.microseconds}
    if isinstance(v, datetime.date):
        return {"$ts": (v - datetime.date(1970, 1, 1)).days * 86400000000}
    if isinstance(v, datetime.time):
        s = v.strftime("%H:%M:%S")
        if v.microsecond:
            s += ".%06d" % v.microsecond
        return s
    if isinstance(v, decimal.Decimal):
        if v == v.to_integral_value() and -2**63 <= int(v) < 2**63:
            return int(v)
        f = float(v)
        if math.isfinite(f) and decimal.Decimal(repr(f)) == v:
            return f
        return format(v, "f")
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, dict):
        return {k: generic(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [generic(x) for x in v]
    raise Exception("unexpected value %r" % (v,))

named = {}

def register(s):
    if isinstance(s, dict):
        if s.get("type") in ("record", "enum", "fixed", "error") and "name" in s:
            named[s["name"]] = s
        for f in s.get("fields", []):
            register(f["type"])
        for k in ("items", "values"):
            if k in s:
                register(s[k])
    elif isinstance(s, list):
        for b in s:
            register(b)

def conv(s, v):
    if isinstance(s, str):
        s = named.get(s, s)
    if v is None:
        return None
    if isinstance(s, list):
        branches = [b for b in s if b != "null"]
        if len(branches) == 1:
            return conv(branches[0], v)
        return generic(v)
    if isinstance(s, dict):
        t = s.get("type")
        lt = s.get("logicalType")
        if t == "long" and lt in ("timestamp-nanos", "local-timestamp-nanos") and isinstance(v, int):
            return {"$ts": v // 1000}
        if t == "fixed" and lt == "duration" and s.get("size") == 12 and isinstance(v, bytes):
            m, d, ms = struct.unpack("<III", v)
            return {"months": m, "days": d, "milliseconds": ms}
        if t == "fixed" and lt == "uuid" and s.get("size") == 16 and isinstance(v, bytes):
            return str(uuid.UUID(bytes=v))
        if t in ("record", "error"):
            return {f["name"]: conv(f["type"], v[f["name"]]) for f in s["fields"]}
        if t == "array":
            return [conv(s["items"], x) for x in v]
        if t == "map":
            return {k: conv(s["values"], x) for k, x in v.items()}
        if isinstance(t, (dict, list)):
            return conv(t, v)
    return generic(v)

with open(sys.argv[1], "rb") as fo:
    data = fo.read()
codec = header_codec(data)
if codec == "zstandard":
    data = transcode(data, "null")
if True:
    r = fastavro.reader(io.BytesIO(data))
    schema = r.writer_schema
    register(schema)
    rows = []
    for rec in r:
        if isinstance(schema, dict) and schema.get("type") == "record":
            rows.append(conv(schema, rec))
        else:
            rows.append({"value": conv(schema, rec)})
print(json.dumps({"rows": rows, "schema": schema, "codec": codec, "metadata": {k: v for k, v in r.metadata.items() if not k.startswith("avro.")}}))
"""#

    /// Writes `argv[1]` with every Avro type and logical type, unions, nested records,
    /// arrays and maps, a recursive record; codec `argv[2]`, `argv[3]` records, sync
    /// interval `argv[4]` bytes (small → many blocks).
    static let writeAllTypesScript = #"""
import fastavro, sys, random, datetime, decimal, uuid, struct, io
path, codec, count, interval = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(20240611)
decimal.getcontext().prec = 100
UTC = datetime.timezone.utc
inner = {"type": "record", "name": "Inner", "fields": [
    {"name": "x", "type": "int"},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
    {"name": "when", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}]}]}
schema = {"type": "record", "name": "All", "namespace": "test.sluice", "fields": [
    {"name": "b", "type": "boolean"},
    {"name": "i", "type": "int"},
    {"name": "l", "type": "long"},
    {"name": "f", "type": "float"},
    {"name": "d", "type": "double"},
    {"name": "s", "type": "string"},
    {"name": "by", "type": "bytes"},
    {"name": "n", "type": "null"},
    {"name": "ni", "type": ["null", "int"]},
    {"name": "ls", "type": ["long", "null"]},
    {"name": "ns", "type": ["null", "string"]},
    {"name": "nd", "type": ["null", "double"]},
    {"name": "multi", "type": ["null", "long", "string", "boolean", "double"]},
    {"name": "e", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
    {"name": "ne", "type": ["null", "Color"]},
    {"name": "fx", "type": {"type": "fixed", "name": "F4", "size": 4}},
    {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 20, "scale": 4}},
    {"name": "decbig", "type": {"type": "bytes", "logicalType": "decimal", "precision": 38, "scale": 9}},
    {"name": "decfx", "type": {"type": "fixed", "name": "DF", "size": 9, "logicalType": "decimal", "precision": 20, "scale": 2}},
    {"name": "dec0", "type": {"type": "bytes", "logicalType": "decimal", "precision": 30}},
    {"name": "u", "type": {"type": "string", "logicalType": "uuid"}},
    {"name": "uf", "type": {"type": "fixed", "name": "UF", "size": 16, "logicalType": "uuid"}},
    {"name": "dt", "type": {"type": "int", "logicalType": "date"}},
    {"name": "tms", "type": {"type": "int", "logicalType": "time-millis"}},
    {"name": "tus", "type": {"type": "long", "logicalType": "time-micros"}},
    {"name": "tsm", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "tsu", "type": {"type": "long", "logicalType": "timestamp-micros"}},
    {"name": "tsn", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
    {"name": "ltm", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
    {"name": "ltu", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
    {"name": "ltn", "type": {"type": "long", "logicalType": "local-timestamp-nanos"}},
    {"name": "dur", "type": {"type": "fixed", "name": "Dur", "size": 12, "logicalType": "duration"}},
    {"name": "unk", "type": {"type": "long", "logicalType": "made-up"}},
    {"name": "arr", "type": {"type": "array", "items": "long"}},
    {"name": "arrn", "type": {"type": "array", "items": ["null", "string"]}},
    {"name": "mp", "type": {"type": "map", "values": "double"}},
    {"name": "nested", "type": inner},
    {"name": "nestedn", "type": ["null", "Inner"]},
    {"name": "list", "type": ["null", {"type": "record", "name": "Node", "fields": [
        {"name": "v", "type": "long"}, {"name": "next", "type": ["null", "Node"]}]}]},
    {"name": "mrec", "type": {"type": "map", "values": {"type": "array", "items": "test.sluice.Inner"}}},
]}

def text():
    alphabet = "abcxyz ,\"\\\n\té€😀中"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))

def maybe(v, p=0.3):
    return None if rng.random() < p else v

def ts(lo=-2208988800, hi=4102444800):
    return rng.randint(lo * 1000000, hi * 1000000)

def inner_value():
    return {"x": rng.randint(-2**31, 2**31 - 1), "tags": [text() for _ in range(rng.randint(0, 3))],
            "when": maybe(datetime.datetime.fromtimestamp(0, UTC) + datetime.timedelta(microseconds=ts()))}

def node(depth):
    if depth == 0:
        return None
    return {"v": rng.randint(-10**12, 10**12), "next": node(depth - 1)}

def rec(k):
    edge = k % 7 == 0
    micros = ts()
    return {
        "b": rng.random() < 0.5,
        "i": rng.choice([-2**31, 2**31 - 1, 0]) if edge else rng.randint(-2**31, 2**31 - 1),
        "l": rng.choice([-2**63, 2**63 - 1, 0, -1]) if edge else rng.randint(-2**63, 2**63 - 1),
        "f": struct.unpack("<f", struct.pack("<f", rng.uniform(-1e6, 1e6)))[0],
        "d": rng.choice([0.1, -0.0, 1e300, 5e-324, 123456789.125]) if edge else rng.uniform(-1e9, 1e9),
        "s": text(),
        "by": bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 9))),
        "n": None,
        "ni": maybe(rng.randint(-1000, 1000)),
        "ls": maybe(rng.randint(-2**40, 2**40)),
        "ns": maybe(text()),
        "nd": maybe(rng.uniform(-5, 5)),
        "multi": rng.choice([None, rng.randint(-99, 99), text(), True, False, rng.uniform(-1, 1)]),
        "e": rng.choice(["RED", "GREEN", "BLUE"]),
        "ne": maybe(rng.choice(["RED", "GREEN", "BLUE"])),
        "fx": bytes(rng.randint(0, 255) for _ in range(4)),
        "dec": decimal.Decimal(rng.randint(-10**19 + 1, 10**19 - 1)).scaleb(-4) if not edge else decimal.Decimal("1.2500"),
        "decbig": decimal.Decimal(rng.randint(-10**38 + 1, 10**38 - 1)).scaleb(-9),
        "decfx": decimal.Decimal(rng.choice([rng.randint(-10**20 + 1, 10**20 - 1), rng.randint(-999, 999) * 100])).scaleb(-2),
        "dec0": decimal.Decimal(rng.randint(-10**30 + 1, 10**30 - 1)),
        "u": str(uuid.UUID(int=rng.getrandbits(128))).upper() if edge else uuid.UUID(int=rng.getrandbits(128)),
        "uf": uuid.UUID(int=rng.getrandbits(128)).bytes,
        "dt": datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randint(-719162, 2932896)),
        "tms": datetime.time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999) * 1000),
        "tus": datetime.time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), rng.choice([0, rng.randint(0, 999999)])),
        "tsm": datetime.datetime.fromtimestamp(0, UTC) + datetime.timedelta(milliseconds=micros // 1000),
        "tsu": datetime.datetime.fromtimestamp(0, UTC) + datetime.timedelta(microseconds=micros),
        "tsn": rng.randint(-2**62, 2**62),
        "ltm": datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=micros // 1000),
        "ltu": datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=micros),
        "ltn": rng.randint(-2**62, 2**62),
        "dur": struct.pack("<III", rng.randint(0, 2**32 - 1), rng.randint(0, 400), rng.randint(0, 2**32 - 1)),
        "unk": rng.randint(-5, 5),
        "arr": [rng.randint(-2**63, 2**63 - 1) for _ in range(rng.randint(0, 5))],
        "arrn": [maybe(text()) for _ in range(rng.randint(0, 4))],
        "mp": {text(): rng.uniform(-1, 1) for _ in range(rng.randint(0, 4))},
        "nested": inner_value(),
        "nestedn": maybe(inner_value()),
        "list": node(rng.randint(0, 4)),
        "mrec": {text(): [inner_value() for _ in range(rng.randint(0, 2))] for _ in range(rng.randint(0, 2))},
    }

out = io.BytesIO()
fastavro.writer(out, fastavro.parse_schema(schema), [rec(k) for k in range(count)], codec="null" if codec == "zstandard" else codec,
                sync_interval=interval, metadata={"sluice.test": "all-types"})
data = out.getvalue()
if codec == "zstandard":
    data = transcode(data, "zstandard")
with open(path, "wb") as fo:
    fo.write(data)
"""#

    /// Runs `script` with `arguments`.
    static func run(_ script: String, _ arguments: [String]) async throws -> String {
        try await Python.run(transcodeFunctions + "\n" + script, arguments: arguments)
    }

    /// What fastavro reads from `path`: the rows (in Sluice's conventions, timestamps as
    /// `{"$ts": µs}`) and the file's codec.
    static func read(_ path: String) async throws -> (rows: [Value], codec: String, schema: Value, metadata: Value) {
        let output = try await run(readScript, [path])
        guard case .object(let object) = try JSONParser.parse(output),
            case .array(let rows) = object["rows"] ?? .null,
            case .string(let codec) = object["codec"] ?? .null
        else { throw OracleFailure(description: "unexpected oracle output: \(output.prefix(300))") }
        return (rows, codec, object["schema"] ?? .null, object["metadata"] ?? .null)
    }

    struct OracleFailure: Error, CustomStringConvertible {
        let description: String
    }
}
