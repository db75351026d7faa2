/// Writes Parquet files by hand (a minimal Thrift compact writer and PLAIN v1 pages) in
/// layouts today's writers no longer produce: two-level lists of every backward-compatibility
/// rule, unannotated repeated fields, legacy converted types without logical types, a
/// MAP_KEY_VALUE map, and BIT_PACKED definition levels.
///
/// Usage: `python3 -c script OUT_DIR` (writes `legacy_lists.parquet` and `legacy_types.parquet`).
enum ParquetCraft {
    static let script = #"""
import struct, sys

class Thrift:
    """A minimal Thrift compact-protocol writer."""
    def __init__(self):
        self.b = bytearray()
        self.last = [0]
    def varint(self, n):
        while True:
            byte = n & 0x7F
            n >>= 7
            if n:
                self.b.append(byte | 0x80)
            else:
                self.b.append(byte)
                return
    def zz(self, n):
        return (n << 1) ^ (n >> 63)
    def field(self, fid, t):
        delta = fid - self.last[-1]
        if 0 < delta <= 15:
            self.b.append(delta << 4 | t)
        else:
            self.b.append(t)
            self.varint(self.zz(fid))
        self.last[-1] = fid
    def i32(self, fid, v):
        self.field(fid, 5); self.varint(self.zz(v))
    def i64(self, fid, v):
        self.field(fid, 6); self.varint(self.zz(v))
    def binary(self, fid, data):
        if isinstance(data, str): data = data.encode()
        self.field(fid, 8); self.varint(len(data)); self.b += data
    def boolean(self, fid, v):
        self.field(fid, 1 if v else 2)
    def begin(self, fid):
        self.field(fid, 12); self.last.append(0)
    def end(self):
        self.b.append(0); self.last.pop()
    def list_header(self, fid, etype, n):
        self.field(fid, 9)
        if n < 15: self.b.append(n << 4 | etype)
        else: self.b.append(0xF0 | etype); self.varint(n)
    def struct_list(self, fid, items, write):
        self.list_header(fid, 12, len(items))
        for item in items:
            self.last.append(0); write(self, item); self.b.append(0); self.last.pop()

def rle_levels(levels, width):
    """Levels as RLE runs of one value each (valid, if not compact)."""
    out = bytearray()
    nbytes = (width + 7) // 8
    i = 0
    while i < len(levels):
        j = i
        while j < len(levels) and levels[j] == levels[i]: j += 1
        n = j - i
        t = Thrift(); t.varint(n << 1); out += t.b
        out += levels[i].to_bytes(nbytes, "little") if nbytes else b""
        i = j
    return bytes(out)

def bit_packed_msb(levels, width):
    """The deprecated BIT_PACKED level encoding: most significant bit first."""
    bits = []
    for v in levels:
        for k in range(width - 1, -1, -1): bits.append((v >> k) & 1)
    while len(bits) % 8: bits.append(0)
    return bytes(sum(bits[i + k] << (7 - k) for k in range(8)) for i in range(0, len(bits), 8))

def plain(kind, values):
    out = bytearray()
    for v in values:
        if kind == "int32": out += struct.pack("<i", v)
        elif kind == "int64": out += struct.pack("<q", v)
        elif kind == "double": out += struct.pack("<d", v)
        elif kind == "bytes":
            if isinstance(v, str): v = v.encode()
            out += struct.pack("<i", len(v)) + v
        elif kind == "fixed": out += v
    return bytes(out)

PHYS = {"boolean": 0, "int32": 1, "int64": 2, "int96": 3, "float": 4, "double": 5, "bytes": 6, "fixed": 7}

def column_chunk(kind, rep, defs, max_rep, max_def, values, bit_packed=False):
    """One v1 data page (PLAIN values) with its header."""
    width_r = max_rep.bit_length()
    width_d = max_def.bit_length()
    body = bytearray()
    if max_rep:
        levels = rle_levels(rep, width_r)
        body += struct.pack("<i", len(levels)) + levels
    if max_def:
        if bit_packed:
            body += bit_packed_msb(defs, width_d)
        else:
            levels = rle_levels(defs, width_d)
            body += struct.pack("<i", len(levels)) + levels
    body += plain(kind, values)
    h = Thrift()
    h.i32(1, 0)
    h.i32(2, len(body))
    h.i32(3, len(body))
    h.begin(5)
    h.i32(1, len(defs))
    h.i32(2, 0)
    h.i32(3, 4 if bit_packed else 3)
    h.i32(4, 3)
    h.end()
    h.b.append(0)
    return bytes(h.b) + bytes(body)

def write(path, schema, columns, num_rows):
    """schema: list of dicts (name, type, repetition, num_children, converted, scale, precision, length);
    columns: list of (path, kind, rep, defs, max_rep, max_def, values, bit_packed)."""
    data = bytearray(b"PAR1")
    metas = []
    for (cpath, kind, rep, defs, max_rep, max_def, values, bit_packed) in columns:
        offset = len(data)
        chunk = column_chunk(kind, rep, defs, max_rep, max_def, values, bit_packed)
        data += chunk
        metas.append((cpath, kind, offset, len(chunk), len(defs)))
    f = Thrift()
    f.i32(1, 1)
    def element(t, e):
        if "type" in e: t.i32(1, PHYS[e["type"]])
        if "length" in e: t.i32(2, e["length"])
        if "repetition" in e: t.i32(3, {"required": 0, "optional": 1, "repeated": 2}[e["repetition"]])
        t.binary(4, e["name"])
        if "children" in e: t.i32(5, e["children"])
        if "converted" in e: t.i32(6, e["converted"])
        if "scale" in e: t.i32(7, e["scale"])
        if "precision" in e: t.i32(8, e["precision"])
    f.struct_list(2, schema, element)
    f.i64(3, num_rows)
    def row_group(t, _):
        def chunk(t, m):
            cpath, kind, offset, size, count = m
            t.i64(2, offset)
            t.begin(3)
            t.i32(1, PHYS[kind])
            t.list_header(2, 5, 2); t.varint(t.zz(0)); t.varint(t.zz(3))
            t.list_header(3, 8, len(cpath))
            for p in cpath: t.varint(len(p)); t.b += p.encode()
            t.i32(4, 0)
            t.i64(5, count)
            t.i64(6, size)
            t.i64(7, size)
            t.i64(9, offset)
            t.end()
        t.struct_list(1, metas, chunk)
        t.i64(2, sum(m[3] for m in metas))
        t.i64(3, num_rows)
    f.struct_list(4, [0], row_group)
    f.binary(6, "sluice craft")
    f.b.append(0)
    data += f.b + struct.pack("<i", len(f.b)) + b"PAR1"
    open(path, "wb").write(data)

# Converted types.
UTF8, MAP, MAP_KEY_VALUE, LIST, ENUM, DECIMAL, DATE, TIME_MILLIS, TIMESTAMP_MILLIS, TIMESTAMP_MICROS, UINT_16, INTERVAL = 0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 21

def legacy_lists(path):
    # Rows: 0: a=[1,2] b=[{s:x}] c=[{x:1}] d=[{x:1,y:2}] e=[5,6] f=[[1],[2,3]]
    #       1: a=null b=[] c=null d=[] e=[] f=[]
    #       2: a=[] b=[{s:y},{s:z}] c=[] d=null e=[7] f=[[]]
    schema = [
        {"name": "schema", "children": 6},
        {"name": "a", "repetition": "optional", "children": 1, "converted": LIST},
        {"name": "element", "repetition": "repeated", "type": "int32"},
        {"name": "b", "repetition": "required", "children": 1, "converted": LIST},
        {"name": "array", "repetition": "repeated", "children": 1},
        {"name": "s", "repetition": "required", "type": "bytes", "converted": UTF8},
        {"name": "c", "repetition": "optional", "children": 1, "converted": LIST},
        {"name": "c_tuple", "repetition": "repeated", "children": 1},
        {"name": "x", "repetition": "required", "type": "int32"},
        {"name": "d", "repetition": "optional", "children": 1, "converted": LIST},
        {"name": "element", "repetition": "repeated", "children": 2},
        {"name": "x", "repetition": "required", "type": "int32"},
        {"name": "y", "repetition": "required", "type": "int32"},
        {"name": "e", "repetition": "repeated", "type": "int64"},
        {"name": "f", "repetition": "optional", "children": 1, "converted": LIST},
        {"name": "array", "repetition": "repeated", "children": 1, "converted": LIST},
        {"name": "array", "repetition": "repeated", "type": "int32"},
    ]
    columns = [
        (["a", "element"], "int32", [0, 1, 0, 0], [2, 2, 0, 1], 1, 2, [1, 2], False),
        (["b", "array", "s"], "bytes", [0, 0, 0, 1], [1, 0, 1, 1], 1, 1, ["x", "y", "z"], False),
        (["c", "c_tuple", "x"], "int32", [0, 0, 0], [2, 0, 1], 1, 2, [1], False),
        (["d", "element", "x"], "int32", [0, 0, 0], [2, 1, 0], 1, 2, [1], False),
        (["d", "element", "y"], "int32", [0, 0, 0], [2, 1, 0], 1, 2, [2], False),
        (["e"], "int64", [0, 1, 0, 0], [1, 1, 0, 1], 1, 1, [5, 6, 7], False),
        (["f", "array", "array"], "int32", [0, 1, 2, 0, 0], [3, 3, 3, 1, 2], 2, 3, [1, 2, 3], False),
    ]
    write(path, schema, columns, 3)

def legacy_types(path):
    # Converted types without logical types, a MAP_KEY_VALUE map, BIT_PACKED definition levels.
    schema = [
        {"name": "schema", "children": 8},
        {"name": "ts", "repetition": "optional", "type": "int64", "converted": TIMESTAMP_MILLIS},
        {"name": "s", "repetition": "optional", "type": "bytes", "converted": UTF8},
        {"name": "dec", "repetition": "optional", "type": "int32", "converted": DECIMAL, "scale": 2, "precision": 9},
        {"name": "iv", "repetition": "optional", "type": "fixed", "length": 12, "converted": INTERVAL},
        {"name": "u", "repetition": "optional", "type": "int32", "converted": UINT_16},
        {"name": "en", "repetition": "optional", "type": "bytes", "converted": ENUM},
        {"name": "t", "repetition": "optional", "type": "int32", "converted": TIME_MILLIS},
        {"name": "m", "repetition": "optional", "children": 1, "converted": MAP},
        {"name": "map", "repetition": "repeated", "children": 2, "converted": MAP_KEY_VALUE},
        {"name": "key", "repetition": "required", "type": "bytes", "converted": UTF8},
        {"name": "value", "repetition": "optional", "type": "int32"},
    ]
    columns = [
        (["ts"], "int64", [0, 0, 0], [1, 0, 1], 0, 1, [1500000000123, -1], True),
        (["s"], "bytes", [0, 0, 0], [1, 1, 0], 0, 1, ["héllo", ""], True),
        (["dec"], "int32", [0, 0, 0], [1, 1, 1], 0, 1, [12345, -100, 7], False),
        (["iv"], "fixed", [0, 0, 0], [1, 0, 0], 0, 1, [bytes(range(12))], False),
        (["u"], "int32", [0, 0, 0], [1, 1, 1], 0, 1, [65535, 0, 300], False),
        (["en"], "bytes", [0, 0, 0], [0, 1, 1], 0, 1, ["B", "C"], False),
        (["t"], "int32", [0, 0, 0], [1, 1, 1], 0, 1, [0, 45296789, 86399999], False),
        (["m", "map", "key"], "bytes", [0, 1, 0, 0], [2, 2, 0, 1], 1, 2, ["k1", "k2"], False),
        (["m", "map", "value"], "int32", [0, 1, 0, 0], [3, 2, 0, 1], 1, 3, [10], False),
    ]
    write(path, schema, columns, 3)

if __name__ == "__main__":
    legacy_lists(sys.argv[1] + "/legacy_lists.parquet")
    legacy_types(sys.argv[1] + "/legacy_types.parquet")
"""#
}
