// The one place the release version lives. `faultbox --version`, `faultbox version` and every
// report (JSON `faultbox_version`, the JUnit `faultbox.version` property, the HTML summary)
// read it from here. Bumped by hand in the commit that makes a release (docs/compat.md,
// "Versions"): semantic versioning, so a report's reader can tell which build wrote it.
public enum FaultboxVersion {
    public static let current = "0.1.0"
}
