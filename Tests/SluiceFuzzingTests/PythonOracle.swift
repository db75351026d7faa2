import Foundation
import SluiceCore
import SluiceTestSupport

/// Python's `json`, `csv` and `croniter` read the same inputs as the fuzz targets, as
/// independent implementations to compare with.
///
/// Values travel back tagged, so nothing is lost on the way: `["i", "12"]` (an integer that
/// fits 64 bits), `["f", "<IEEE bits in hex>"]` (a double; larger integers become the double
/// Python rounds them to), `["s", "<UTF-8 in hex>"]`, `["a", […]]`, `["o", [[key hex, value], …]]`,
/// `["b", true]` and `["n"]`. Python reads JSON more liberally than RFC 8259, so the script
/// refuses what Sluice must refuse: `NaN`/`Infinity`, lone surrogates, nesting deeper than
/// 512 levels (``JSONParser/maximumDepth``).
enum PythonOracle {
    static let script = #"""
        import csv, io, json, re, struct, sys
        from datetime import datetime, timezone
        sys.set_int_max_str_digits(0)
        sys.setrecursionlimit(20000)
        csv.field_size_limit(2**31 - 1)
        MAX_DEPTH = 512

        class Refused(Exception):
            pass

        def constant(name):
            raise Refused("not JSON: " + name)

        def utf8hex(s):
            try:
                return s.encode("utf-8").hex()
            except UnicodeEncodeError:
                raise Refused("lone surrogate")

        def tag(v, depth=0):
            if v is None: return ["n"]
            if v is True or v is False: return ["b", v]
            if isinstance(v, int):
                if -2**63 <= v < 2**63: return ["i", str(v)]
                try: f = float(v)
                except OverflowError: f = float("inf") if v > 0 else float("-inf")
                return ["f", struct.pack(">d", f).hex()]
            if isinstance(v, float): return ["f", struct.pack(">d", v).hex()]
            if isinstance(v, str): return ["s", utf8hex(v)]
            if depth >= MAX_DEPTH: raise Refused("nesting")
            if isinstance(v, list): return ["a", [tag(x, depth + 1) for x in v]]
            return ["o", [[utf8hex(k), tag(x, depth + 1)] for k, x in v.items()]]

        def load(text):
            try:
                value = json.loads(text, parse_constant=constant)
                return value, tag(value)
            except (ValueError, Refused, RecursionError):
                return None, None

        def utf8(data):
            try: return data.decode("utf-8")
            except UnicodeDecodeError: return None

        def unbom(data):
            return data[3:] if data.startswith(b"\xef\xbb\xbf") else data

        mode = sys.argv[1]
        out = []
        for line in sys.stdin.read().splitlines():
            argument, path = line.split("\t")
            argument = chr(int(argument)) if mode == "csv" else argument
            data = open(path, "rb").read()
            if mode == "json":
                text = utf8(data)
                out.append({"skip": "not UTF-8"} if text is None else {"value": load(text)[1]})
            elif mode == "csv":
                text = utf8(unbom(data))
                if text is None: out.append({"skip": "not UTF-8"}); continue
                if re.search("\r(?!\n)", text): out.append({"skip": "a carriage return without a line feed"}); continue
                rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=argument) if r]
                out.append({"rows": [[c.encode("utf-8", "surrogatepass").hex() for c in r] for r in rows]})
            elif mode == "ndjson":
                lines = []
                for number, raw in enumerate(unbom(data).split(b"\n"), start=1):
                    raw = raw[:-1] if raw.endswith(b"\r") else raw
                    if not raw.strip(b" \t\r"): continue
                    text = utf8(raw)
                    if text is None: continue
                    value, tagged = load(text)
                    lines.append([number, tagged if isinstance(value, dict) else None])
                out.append({"lines": lines})
            elif mode == "json-document":
                text = utf8(unbom(data))
                if text is None: out.append({"skip": "not UTF-8"}); continue
                value, tagged = load(text)
                if isinstance(value, list):
                    out.append({"records": [[i + 1, t] for i, (x, t) in enumerate(zip(value, tagged[1])) if isinstance(x, dict)],
                                "rejected": [i + 1 for i, x in enumerate(value) if not isinstance(x, dict)]})
                elif isinstance(value, dict):
                    members = [(m, t) for (m, (_, t)) in zip(value.values(), tagged[1])
                               if isinstance(m, list) and all(isinstance(e, dict) for e in m)]
                    records = list(enumerate(members[0][1][1], start=1)) if len(members) == 1 else [(1, tagged)]
                    out.append({"records": [[i, t] for i, t in records], "rejected": []})
                else:
                    out.append({"error": True})
            elif mode == "cron":
                from croniter import croniter
                text = data.decode("utf-8", "replace")
                try:
                    it = croniter(text, datetime.fromtimestamp(int(argument), tz=timezone.utc), second_at_beginning=True)
                    out.append({"times": [str(int(it.get_next(datetime).timestamp())) for _ in range(5)]})
                except Exception as error:
                    out.append({"refused": str(error)})
        print(json.dumps(out))
        """#

    /// What the script says of each input file, in order: one object per input.
    /// - Parameter inputs: each file with the argument of its mode (a CSV delimiter, a cron start).
    static func run(_ mode: String, _ inputs: [(argument: String, path: String)]) async throws -> [ValueObject] {
        let stdin = inputs.map { "\($0.argument)\t\($0.path)" }.joined(separator: "\n") + "\n"
        let output = try await Python.run(script, arguments: [mode], input: stdin)
        guard case .array(let items) = try JSONParser.parse(output), items.count == inputs.count else {
            throw OracleFailure(description: "unexpected oracle output for \(inputs.count) inputs: \(output.prefix(500))")
        }
        return items.compactMap(\.objectValue)
    }

    /// The value a tagged oracle value stands for.
    static func value(_ tagged: Value) throws -> Value {
        guard case .array(let parts) = tagged, case .string(let tag)? = parts.first else {
            throw OracleFailure(description: "not a tagged value: \(JSONText.string(tagged))")
        }
        let payload = parts.count > 1 ? parts[1] : .null
        switch (tag, payload) {
        case ("n", _): return .null
        case ("b", .bool(let b)): return .bool(b)
        case ("i", .string(let digits)):
            guard let int = Int(digits) else { break }
            return .int(int)
        case ("f", .string(let hex)):
            guard let bits = UInt64(hex, radix: 16) else { break }
            return .double(Double(bitPattern: bits))
        case ("s", .string(let hex)): return .string(try text(hex))
        case ("a", .array(let items)): return .array(try items.map(value))
        case ("o", .array(let pairs)):
            var object = ValueObject()
            for pair in pairs {
                guard case .array(let kv) = pair, kv.count == 2, case .string(let key) = kv[0] else { break }
                object.appendUnchecked(key: try text(key), value: try value(kv[1]))
            }
            return .object(object)
        default: break
        }
        throw OracleFailure(description: "malformed tagged value: \(JSONText.string(tagged))")
    }

    /// The UTF-8 text spelled by hex digits.
    static func text(_ hex: String) throws -> String {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { throw OracleFailure(description: "odd hex length") }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<(i + 2)], as: UTF8.self), radix: 16) else {
                throw OracleFailure(description: "bad hex \(hex)")
            }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    struct OracleFailure: Error, CustomStringConvertible {
        let description: String
    }
}
