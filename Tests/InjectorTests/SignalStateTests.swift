import Foundation
import Injector
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A service must start with default signal dispositions and an empty signal mask, as it
/// would outside faultbox: faultbox itself ignores SIGPIPE during a run (to notice a closed
/// stdout reader through EPIPE), and an ignored disposition and the mask survive fork+exec.
final class SignalStateTests: XCTestCase {
    func testProgramStartsWithDefaultDispositionsAndEmptyMask() throws {
        let oldPipe = signal(SIGPIPE, SIG_IGN)
        let oldUsr2 = signal(SIGUSR2, SIG_IGN)
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGUSR1)
        sigaddset(&blocked, SIGPIPE)
        // The tracer thread (created below) inherits this thread's mask, and the child the tracer's.
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer {
            pthread_sigmask(SIG_SETMASK, &previous, nil)
            signal(SIGPIPE, oldPipe)
            signal(SIGUSR2, oldUsr2)
        }
        // The setup is real: this process now ignores SIGPIPE and SIGUSR2.
        let ours = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        XCTAssertTrue(ours.contains("SigIgn:\t") && !ours.contains("SigIgn:\t0000000000000000"), ours)

        let h = Harness()
        let p = try h.launch(["/bin/grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"], trap: ["connect"])
        XCTAssertEqual(h.finish(p), .exited(0))
        let lines = h.stdout().split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, ["SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"], h.stderr())
    }
}
