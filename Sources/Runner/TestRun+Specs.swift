import FaultPlan
import Foundation

/// Loading and checking every spec of a run before anything starts: `faultbox test
/// *.faults.star` (the chapter's workflow) names several. A spec that does not load, has
/// no tests, names a missing binary or a port in use stops the whole run (exit 1) before the first
/// service starts, so a typo in the last file never costs the minutes of the first.
extension TestRun {
    struct SpecToRun {
        var options: RunOptions
        let bridge: SpecBridge
        var plan: FaultPlan { bridge.plan }
        let selected: [Int]
        /// Added to this spec's matrix ids so that matrices of different specs never share one.
        let matrixOffset: Int
        /// Added to test indexes so that log folders (`NNN-name`) never collide across specs.
        let testOffset: Int
    }

    enum Prepared { case success([SpecToRun]), failure(String) }

    /// `checkBinaries` (binaries and ports) is off for `--dry-run`, which starts nothing.
    static func prepare(options: RunOptions, checkBinaries: Bool) -> Prepared {
        var specs: [SpecToRun] = []
        var selectionErrors: [String] = []
        var matrixOffset = 0, testOffset = 0
        let workingDirectory = FileManager.default.currentDirectoryPath
        for path in options.specPaths {
            var specOptions = options
            specOptions.specPath = path
            specOptions.specPaths = [path]
            let bridge: SpecBridge
            switch SpecBridge.load(path: path, limits: options.limits) {
            case .success(let loaded): bridge = loaded
            case .failure(let error): return .failure(error.description + "\n")
            }
            let plan = bridge.plan
            // Nothing to run is a mistake (an empty file, a topology-only file named by
            // accident): in CI, "0 passed, 0 failed" with status 0 would hide it.
            if plan.tests.isEmpty {
                return .failure("faultbox test: \(path) declares no tests\n    fix: add scenario(fn), "
                    + "fault_scenario(...), fault_matrix(...) or a def test_*, or name the spec that does\n")
            }
            if checkBinaries {
                // With --jobs the cells bind inside their own namespaces: the host's ports do not matter.
                let problems = Preflight.binaryProblems(plan, workingDirectory: workingDirectory)
                    + (options.jobs > 1 ? [] : Preflight.busyPorts(plan))
                if !problems.isEmpty { return .failure(problems.map(\.description).joined(separator: "\n") + "\n") }
            }
            let selectable = plan.tests.map { SelectableTest(name: $0.name, matrixRow: PlanAdapter.identity(plan, $0).row) }
            var selected: [Int] = []
            do { selected = try TestSelection.select(selectable, patterns: options.patterns) } catch {
                // With several specs, a pattern only has to match in one of them.
                selectionErrors.append(options.specPaths.count > 1 ? "\(path): \(error.description)" : error.description)
            }
            specs.append(SpecToRun(options: specOptions, bridge: bridge, selected: selected,
                                   matrixOffset: matrixOffset, testOffset: testOffset))
            matrixOffset += (plan.matrices.map(\.id).max() ?? -1) + 1
            testOffset += plan.tests.count
        }
        let selectedCount = specs.reduce(0) { $0 + $1.selected.count }
        if !selectionErrors.isEmpty && (options.specPaths.count == 1 || selectedCount == 0) {
            return .failure(selectionErrors.map { "faultbox test: \($0)\n" }.joined())
        }
        return .success(specs.filter { !$0.selected.isEmpty })
    }
}
