import CInjector

/// Process-level helpers for a command that runs one traced program in the foreground.
public enum ForegroundProgram {
    /// Forwards SIGTERM/SIGHUP/SIGQUIT to `pid` and ignores SIGINT (the program, in the
    /// terminal's process group, receives Ctrl-C itself and decides).
    public static func forwardSignals(to pid: Int32) {
        cinj_forward_signals(pid)
    }
}
