import Foundation
import SluiceCore
import SluiceEngine

/// The properties checked on one input of the spec reader and the job planner.
enum JobSpecFuzzing {
    /// An empty directory that is the planner's only data root, so no file path of a fuzzed
    /// spec reaches a real file. Planning never opens files or connections; it only
    /// resolves paths against the roots.
    static let emptyDataRoot: String = {
        let path = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("sluice-fuzz-empty-data-root").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static let reader = SpecReader.builtIn

    /// Reads the input's JSON as a job (and as a schedule and a pipeline); a job the reader
    /// accepts is planned, without being run. Refusals must carry at least one error, each
    /// with a reason; an accepted job written back as JSON must be read again as the same
    /// job; planning the same spec twice gives the same verdict and errors.
    static func run(_ bytes: [UInt8]) -> FuzzReport {
        var report = FuzzReport()
        let value: Value
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            report.outcome = "not JSON: \(error.message)"
            return report
        }
        do {
            _ = try reader.schedule(value)
        } catch {
            report.check(!error.errors.isEmpty && error.errors.allSatisfy { !$0.reason.isEmpty }, "a schedule refusal without reasons: \(error.errors)")
        }
        do {
            _ = try reader.pipeline(value)
        } catch {
            report.check(!error.errors.isEmpty && error.errors.allSatisfy { !$0.reason.isEmpty }, "a pipeline refusal without reasons: \(error.errors)")
        }
        let spec: JobSpec
        do {
            spec = try reader.job(value)
        } catch {
            report.outcome = "job refused: \(error.errors.count) errors, first '\(error.errors.first?.message ?? "")'"
            report.check(!error.errors.isEmpty && error.errors.allSatisfy { !$0.reason.isEmpty }, "a job refusal without reasons: \(error.errors)")
            return report
        }
        checkRereads(spec, into: &report)
        let first = plan(spec)
        let second = plan(spec)
        report.outcome = "job read; plan: \(first)"
        report.check(first == second, "planning twice gave different results: \(first) against \(second)")
        return report
    }

    /// The plan's verdict as text: `planned`, or every error with its path.
    static func plan(_ spec: JobSpec) -> String {
        let planner = JobPlanner(registry: .builtIn, dataRoots: DataRoots([emptyDataRoot]), batchSize: 64, environment: [:])
        do {
            _ = try planner.plan(spec)
            return "planned"
        } catch {
            return (error.forbidden ? "forbidden: " : "refused: ") + error.errors.map(\.message).joined(separator: "; ")
        }
    }

    /// A job written as JSON (as stored specs are) is read back as the same job: written
    /// again, it gives the same text. (Compared as text with sorted keys, since Foundation's
    /// encoder does not keep the order of object keys, which `JobSpec`'s `==` compares.)
    static func checkRereads(_ spec: JobSpec, into report: inout FuzzReport) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text: Data
        do {
            text = try encoder.encode(spec)
        } catch {
            // Only non-finite numbers cannot be written; JSON input holds them only as
            // overflowing literals such as 1e400, which JSONParser reads as infinity.
            report.check("\(error)".contains("nfinit") || "\(error)".contains("NaN"), "an accepted job cannot be encoded: \(error)")
            return
        }
        do {
            let again = try reader.job(try JSONParser.parse(Array(text)))
            let textAgain = try encoder.encode(again)
            report.check(
                textAgain == text,
                "an accepted job written as JSON reads back differently: wrote \(String(decoding: text.prefix(400), as: UTF8.self)), "
                    + "read back \(String(decoding: textAgain.prefix(400), as: UTF8.self))")
        } catch {
            report.violations.append("an accepted job written as JSON is refused: \(error); written: \(String(decoding: text.prefix(400), as: UTF8.self))")
        }
    }
}
