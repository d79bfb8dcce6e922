import Foundation
import Reports

/// Live console output while tests run: one block per finished test (as soon as it
/// finishes) and, on a terminal, a status line (`running test_x (3/7) 1.2s`) refreshed a few
/// times a second and erased before anything else is printed.
final class Progress: @unchecked Sendable {
    private let out: Int32
    private let statusLine: Bool
    private let color: Bool
    private let state = Locked<(current: String?, index: Int, total: Int, began: ContinuousClock.Instant, shown: Bool, counts: String?)>(
        (nil, 0, 0, ContinuousClock.now, false, nil))
    private var ticker: DispatchSourceTimer?

    /// `out` is stdout (1) for the text format, stderr (2) when stdout carries JSON.
    init(out: Int32, statusLine: Bool, color: Bool) {
        self.out = out
        self.statusLine = statusLine
        self.color = color
        if statusLine {
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "faultbox.progress"))
            timer.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
            timer.setEventHandler { [weak self] in self?.redraw() }
            timer.resume()
            ticker = timer
        }
    }

    deinit { ticker?.cancel() }

    func started(_ name: String, index: Int, total: Int) {
        state.withLock { $0.current = name; $0.index = index; $0.total = total; $0.began = .now }
        redraw()
    }

    /// `hide`: print nothing (`--show fail` and a passed test, or a passed run of `--runs`);
    /// `after`: lines under the block.
    /// `--jobs`: the status line counts cells instead of naming one.
    func counts(done: Int, running: Int, left: Int) {
        state.withLock { $0.current = running > 0 ? "" : nil; $0.counts = "\(done) done, \(running) running, \(left) left" }
        redraw()
    }

    func finished(_ outcome: TestOutcome, showOutput: Bool, hide: Bool = false, after: String = "") {
        state.withLock { $0.current = nil }
        if hide { return }
        var text = ConsoleReport.testLine(outcome, color: color) + after
        if showOutput && outcome.passed { text += ConsoleReport.traceSummary(outcome) + Self.outputBlock(outcome.output) }
        print(text)
    }

    /// Prints text, erasing the status line first so it never mixes with results.
    func print(_ text: String) {
        state.withLock { s in
            var bytes = ""
            if s.shown { bytes += "\r\u{1B}[2K"; s.shown = false }
            bytes += text
            ConsoleWrite.write(out, bytes)
        }
    }

    func stop() {
        ticker?.cancel()
        ticker = nil
        print("")
    }

    private func redraw() {
        guard statusLine else { return }
        state.withLock { s in
            guard let name = s.current else { return }
            let elapsed = ContinuousClock.now - s.began
            let line = s.counts.map { "tests: " + $0 }
                ?? "running \(name) (\(s.index)/\(s.total)) \(String(format: "%.1f", elapsed.secondsDouble))s"
            ConsoleWrite.write(out, "\r\u{1B}[2K" + line)
            s.shown = true
        }
    }

    /// The tail of each service's output, indented, for `--show all`.
    static func outputBlock(_ outputs: [ServiceOutput]) -> String {
        var text = ""
        for o in outputs {
            for (label, content) in [("stdout", o.stdout), ("stderr", o.stderr)] where !content.isEmpty {
                let lines = content.split(separator: "\n", omittingEmptySubsequences: false).suffix(10)
                text += "    \(o.service) \(label):\n" + lines.map { "      " + $0 }.joined(separator: "\n") + "\n"
            }
        }
        return text
    }
}
