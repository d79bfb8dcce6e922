import Reports

extension TestOutcome {
    /// The outcome without its trace and service output, for a run that writes no report
    /// file: the console has printed them already, and the summary and matrix table need
    /// only the verdicts. The counts (events, syscalls, dropped) stay.
    func withoutDetails() -> TestOutcome {
        var slim = self
        slim.traceStore = nil
        slim.output = []
        return slim
    }
}
