import SluiceFuzzing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What every libFuzzer executable shares: the input callback and the hand-over to
/// libFuzzer's driver. Each target's `main.swift` only names its entry point.

/// The entry point of this executable, set once by ``runFuzzer(_:)`` before libFuzzer calls
/// back, and only read afterwards (libFuzzer runs inputs on the thread that called it).
nonisolated(unsafe) private var entryPoint: ([UInt8]) -> FuzzReport = { _ in FuzzReport() }

/// libFuzzer's entry: one input per call; a broken property traps, so the input is saved.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    entryPoint(bytes).trapOnViolation()
    return 0
}

/// libFuzzer's driver (linked by `-sanitize=fuzzer`). SwiftPM gives every executable its
/// own `main`, so libFuzzer's `main` is never linked; ``runFuzzer(_:)`` hands over to this.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// Fuzzes `entry` with the process's command line as libFuzzer's arguments, then exits.
public func runFuzzer(_ entry: @escaping ([UInt8]) -> FuzzReport) -> Never {
    entryPoint = entry
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argc, &argv, fuzzTestOneInput))
}
