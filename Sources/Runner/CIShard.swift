/// With no `--shard`, the CI system's own parallelism variables pick the shard, so a
/// `parallel: 4` job needs no shell arithmetic. Each system numbers its runners its own way:
/// GitLab from 1, CircleCI and Buildkite from 0.
public enum CIShard {
    struct Source {
        let system: String
        let indexVariable: String
        let totalVariable: String
        let firstIndex: Int
    }

    static let sources = [
        Source(system: "GitLab CI", indexVariable: "CI_NODE_INDEX", totalVariable: "CI_NODE_TOTAL", firstIndex: 1),
        Source(system: "CircleCI", indexVariable: "CIRCLE_NODE_INDEX", totalVariable: "CIRCLE_NODE_TOTAL", firstIndex: 0),
        Source(system: "Buildkite", indexVariable: "BUILDKITE_PARALLEL_JOB", totalVariable: "BUILDKITE_PARALLEL_JOB_COUNT", firstIndex: 0),
    ]

    public enum Found: Sendable, Equatable {
        case none
        /// The shard and the line saying where it came from.
        case shard(Shard, note: String)
        case invalid(String)
    }

    /// The first system whose two variables are both set. Values that do not make a shard
    /// are an error rather than ignored: every runner would otherwise run the whole plan.
    public static func detect(_ environment: [String: String]) -> Found {
        for source in sources {
            guard let indexText = environment[source.indexVariable], let totalText = environment[source.totalVariable],
                  !indexText.isEmpty, !totalText.isEmpty else { continue }
            let seen = "\(source.indexVariable)=\(indexText) \(source.totalVariable)=\(totalText)"
            guard let index = Int(indexText), let total = Int(totalText), total >= 1, total <= Shard.maxTotal,
                  index >= source.firstIndex, index < total + source.firstIndex else {
                return .invalid("faultbox test: \(source.system) variables do not name a shard (\(seen)); "
                    + "\(source.indexVariable) counts from \(source.firstIndex); or give --shard K/N, which takes precedence")
            }
            let shard = Shard(index: index - source.firstIndex + 1, total: total)
            return .shard(shard, note: "faultbox test: shard \(shard) from \(source.system) (\(seen))\n")
        }
        return .none
    }
}
