import FaultPlan

/// `--shard K/N` applied to the prepared specs: the selection (after `--test`) is the full
/// plan every runner shares, and each spec keeps only this shard's cells, still in
/// declaration order.
extension TestRun {
    static func applyShard(_ specs: [SpecToRun], options: RunOptions) -> [SpecToRun] {
        guard let shard = options.shard else { return specs }
        var cells: [ShardCell] = []
        for spec in specs {
            for index in spec.selected {
                cells.append(ShardCell(specPath: spec.options.specPath, name: spec.plan.tests[index].name))
            }
        }
        let assigned = Sharding.assign(cells, total: shard.total, durations: options.durations)
        var position = 0
        return specs.map { spec in
            var kept: [Int] = []
            for index in spec.selected {
                if assigned[position] == shard.index { kept.append(index) }
                position += 1
            }
            return SpecToRun(options: spec.options, bridge: spec.bridge, selected: kept,
                             matrixOffset: spec.matrixOffset, testOffset: spec.testOffset)
        }
    }

    /// The line a sharded run starts with, so a CI log says what this runner took.
    static func shardLine(_ shard: Shard, kept: Int, of all: Int) -> String {
        "shard \(shard): \(kept) of \(all) test\(all == 1 ? "" : "s")\(kept == 0 ? " (nothing to run in this shard)" : "")\n"
    }
}
