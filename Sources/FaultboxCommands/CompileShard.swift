import FaultPlan
import JSONText
import Runner
import SpecLowering
import StarlarkVM

/// `faultbox compile --shard K/N SPEC...`: the cells `faultbox test --shard K/N SPEC...`
/// would run, without running them. It calls the same `Sharding.assign` on the same keys,
/// so the two never disagree (the CI example's check relies on that).
enum CompileShard {
    static func render(specPaths: [String], shard: Shard, durations: [String: Double], format: String,
                       limits: ExecutionLimits = .standard) -> Result<String, SpecErrors> {
        let options = SpecOptions(vocabulary: MachineVocabulary.make(), limits: limits)
        var cells: [ShardCell] = []
        for path in specPaths {
            let loaded: LoadedSpec
            do { loaded = try loadSpec(path: path, options: options) } catch { return .failure(error) }
            cells += loaded.plan.tests.map { ShardCell(specPath: path, name: $0.name) }
        }
        let assigned = Sharding.assign(cells, total: shard.total, durations: durations)
        let mine = zip(cells, assigned).filter { $0.1 == shard.index }.map(\.0)
        if format == "json" {
            return .success(JSONValue.object([
                ("shard", .string(shard.description)),
                ("cell_count", .int(cells.count)),
                ("cells", .array(mine.map { .object([("spec", .string($0.specPath)), ("name", .string($0.name))]) })),
            ]).render())
        }
        var text = "shard \(shard): \(mine.count) of \(cells.count) test\(cells.count == 1 ? "" : "s")\n"
        for cell in mine {
            text += (specPaths.count > 1 ? cell.specPath + ": " : "") + cell.name + "\n"
        }
        return .success(text)
    }
}
