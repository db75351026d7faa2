import Foundation
import SluiceCore
import SluiceTestSupport

/// Independent computations of what the worked examples must produce, in Python (plain
/// `json`/`re`, and DuckDB for aggregations), so the tests do not trust Sluice to grade itself.
enum Oracles {
    /// Example 2: (valid count, invalid count, [region: (sum order_total, count)]).
    static func example2(dataPath: String) async throws -> (valid: Int, invalid: Int, groups: [String: (Double, Int)]) {
        let script = #"""
        import json, re, sys, duckdb
        rows = json.load(open(sys.argv[1]))
        pat = re.compile(r'^[^@]+@[^@]+\.[^@]+$')
        def ok(r):
            i = r.get('id'); e = r.get('email')
            if i is None or isinstance(i, bool) or not isinstance(i, (int, float)): return False
            return isinstance(e, str) and pat.search(e) is not None
        valid = [r for r in rows if ok(r)]
        con = duckdb.connect()
        con.execute("create table t(region varchar, status varchar, order_total double)")
        con.executemany("insert into t values (?, ?, ?)", [(r.get('region'), r.get('status'), r.get('order_total')) for r in valid])
        out = con.execute("select region, sum(order_total), count(*) from t where status = 'active' group by region").fetchall()
        print(json.dumps({"valid": len(valid), "invalid": len(rows) - len(valid), "groups": [[a, b, c] for a, b, c in out]}))
        """#
        let result = try JSONParser.parse(try await Python.run(script, arguments: [dataPath]))
        var groups: [String: (Double, Int)] = [:]
        for group in result["groups"].arrayValue ?? [] {
            groups[group[0].stringValue ?? ""] = (group[1].number ?? .nan, Int(group[2].number ?? -1))
        }
        return (Int(result["valid"].number ?? -1), Int(result["invalid"].number ?? -1), groups)
    }

    /// The "POST /jobs" customers example: the NDJSON records expected, and the invalid count.
    static func customers(_ customersJSON: String) async throws -> (output: [Value], invalid: Int) {
        let script = #"""
        import json, re, sys
        rows = json.loads(sys.stdin.read())
        pat = re.compile(r'^[^@]+@[^@]+\.[^@]+$')
        def num(v):
            if isinstance(v, bool): return None
            if isinstance(v, (int, float)): return v
            if isinstance(v, str):
                try: return float(v) if any(c in v for c in '.eE') else int(v)
                except ValueError: return None
            return None
        out = []; invalid = 0
        for r in rows:
            i = r.get('id'); e = r.get('email'); a = r.get('age')
            good = isinstance(i, str) and isinstance(e, str) and pat.search(e) is not None
            if a is not None:
                n = num(a)
                good = good and n is not None and 0 <= n <= 150
                if n is not None: r['age'] = n
            if not good:
                invalid += 1; continue
            if r.get('status') != 'active': continue
            o = {'customer_id': r['id'], 'email_address': r['email']}
            if 'age' in r: o['customer_age'] = r['age']
            out.append(o)
        print(json.dumps({"output": out, "invalid": invalid}))
        """#
        let result = try JSONParser.parse(try await Python.run(script, input: customersJSON))
        return (result["output"].arrayValue ?? [], Int(result["invalid"].number ?? -1))
    }

    /// "Extract and Transform Data": [(region, product): (sum amount, sum quantity, count)].
    static func sales(_ salesJSON: String) async throws -> [String: (Double, Double, Int)] {
        let script = #"""
        import json, sys, duckdb
        rows = json.loads(sys.stdin.read())
        con = duckdb.connect()
        con.execute("create table s(region varchar, product varchar, amount double, quantity double)")
        con.executemany("insert into s values (?, ?, ?, ?)", [(r['region'], r['product'], r['amount'], r['quantity']) for r in rows])
        out = con.execute("select region, product, sum(amount), sum(quantity), count(*) from s where amount > 100 group by region, product").fetchall()
        print(json.dumps([list(x) for x in out]))
        """#
        var groups: [String: (Double, Double, Int)] = [:]
        for group in try JSONParser.parse(try await Python.run(script, input: salesJSON)).arrayValue ?? [] {
            let key = "\(group[0].stringValue ?? "")|\(group[1].stringValue ?? "")"
            groups[key] = (group[2].number ?? .nan, group[3].number ?? .nan, Int(group[4].number ?? -1))
        }
        return groups
    }
}

/// Relative closeness for sums computed in different orders.
func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }
