import Foundation
import SluiceEngine
import Synchronization

/// A one-line progress display on standard error, shown only when it is a terminal:
/// records, MB/s and, when the input size is known, percent and ETA.
final class ProgressLine: Sendable {
    private let lastWidth = Mutex(0)

    static func forTerminal() -> ProgressLine? { isatty(2) == 1 ? ProgressLine() : nil }

    @Sendable func update(_ progress: RunProgress) {
        let mb = Double(progress.bytesRead) / 1_048_576
        let rate = progress.elapsedSeconds > 0 ? mb / progress.elapsedSeconds : 0
        var line = String(format: "%@ records  %.1f MB  %.1f MB/s", "\(progress.recordsRead)", mb, rate)
        if let total = progress.expectedBytes, total > 0, rate > 0 {
            let fraction = min(1, Double(progress.bytesRead) / Double(total))
            let remaining = (Double(total - progress.bytesRead) / 1_048_576) / rate
            let width = 20
            let filled = Int(fraction * Double(width))
            line = "[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] "
                + String(format: "%3.0f%%  ", fraction * 100) + line + String(format: "  ETA %.0fs", max(0, remaining))
        }
        let text = lastWidth.withLock { last -> String in
            let padded = line.padding(toLength: max(last, line.count), withPad: " ", startingAt: 0)
            last = line.count
            return "\r" + padded + (progress.finished ? "\n" : "")
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
