import JSONText

/// `faultbox compile --coverage`: for each `depends_on` edge (consumer -> dependency), the
/// tests that put a fault on it, and the edges that no test targets (the reference tool's
/// `plan --coverage`).
///
/// A test targets `consumer -> dependency` when, armed for the whole test (its assumptions)
/// or found statically in its body and oracle (`fault()`, `partition()`), it has
/// - a fault on the consumer's network syscalls (connect, read, write, sendto, recvfrom and
///   their families) that is not restricted to another destination,
/// - a partition between the two services, or
/// - a disk fault on the dependency (write, read, open, fsync families and the file
///   operations: ftruncate, fallocate, rename, unlink, mkdir, rmdir, sync_file_range).
/// A `fault()` whose target is not statically a service (a helper's parameter) targets no
/// edge here: coverage claims only what it can see.
public struct EdgeCoverage: Sendable, Equatable {
    public struct Target: Sendable, Equatable {
        /// The test's name.
        public var test: String
        /// How the test reaches the edge (`assumption db_down: connect on api`).
        public var how: String
    }

    public struct Edge: Sendable, Equatable {
        public var consumer: String
        public var dependency: String
        /// Where the consumer is declared.
        public var position: SourcePosition
        /// Tests in declaration order, each once (with its first reason).
        public var targets: [Target]
        public var covered: Bool { !targets.isEmpty }
    }

    public var edges: [Edge]
    public var coveredCount: Int { edges.filter(\.covered).count }
    public var uncovered: [Edge] { edges.filter { !$0.covered } }

    public static func analyze(_ plan: FaultPlan, vocabulary: SyscallVocabulary) -> EdgeCoverage {
        func expand(_ names: [String]) -> Set<String> {
            Set(names.flatMap { vocabulary.expand($0) ?? [$0] })
        }
        let network = expand(["connect", "read", "write", "sendto", "recvfrom"])
        let disk = expand(["write", "read", "open", "fsync"]).union([
            "openat", "ftruncate", "truncate", "fallocate", "rename", "renameat", "renameat2",
            "unlink", "unlinkat", "mkdir", "mkdirat", "rmdir", "sync_file_range", "fdatasync",
        ])
        var ports: [String: [Int]] = [:]
        for s in plan.services { ports[s.name] = s.interfaces.map(\.port) }

        /// A rule restricted to a destination reaches `dependency` only through one of its ports.
        func reaches(_ destination: String?, _ dependency: String) -> Bool {
            guard let destination else { return true }
            return (ports[dependency] ?? []).contains { port in
                destination == String(port) || destination.hasSuffix(":\(port)")
            }
        }

        func reason(_ test: PlanTest, consumer: String, dependency: String) -> String? {
            for id in test.assumptions where plan.assumptions.indices.contains(id) {
                let a = plan.assumptions[id]
                for rule in a.rules {
                    let hits = Set(rule.syscalls)
                    if rule.target == consumer, !hits.isDisjoint(with: network), reaches(rule.destination, dependency) {
                        return "assumption \(a.name): \(rule.keyword) on \(consumer), network"
                    }
                    if rule.target == dependency, !hits.isDisjoint(with: disk) {
                        return "assumption \(a.name): \(rule.keyword) on \(dependency), disk"
                    }
                }
            }
            for site in test.dynamic.faults {
                guard let target = site.target, let keywords = site.keywords else { continue }
                for keyword in keywords {
                    let hits = expand([keyword])
                    if target == consumer, !hits.isDisjoint(with: network) {
                        return "fault(\(consumer), \(keyword)=...) at \(site.position), network"
                    }
                    if target == dependency, !hits.isDisjoint(with: disk) {
                        return "fault(\(dependency), \(keyword)=...) at \(site.position), disk"
                    }
                }
            }
            for p in test.dynamic.partitions {
                guard let a = p.a, let b = p.b else { continue }
                if (a == consumer && b == dependency) || (a == dependency && b == consumer) {
                    return "partition(\(a), \(b)) at \(p.position)"
                }
            }
            return nil
        }

        var edges: [Edge] = []
        for service in plan.services {
            for dep in service.dependsOn where dep != service.name {
                guard plan.service(named: dep) != nil else { continue }
                var targets: [Target] = []
                for test in plan.tests {
                    if let how = reason(test, consumer: service.name, dependency: dep) { targets.append(Target(test: test.name, how: how)) }
                }
                edges.append(Edge(consumer: service.name, dependency: dep, position: service.position, targets: targets))
            }
        }
        return EdgeCoverage(edges: edges)
    }
}

/// Text and JSON for `faultbox compile --coverage`.
public enum CoverageDump {
    public static func text(_ c: EdgeCoverage) -> String {
        if c.edges.isEmpty {
            return "coverage: the spec declares no depends_on edges (nothing to cover)\n"
        }
        var out = "depends_on edges and the fault tests that target them:\n"
        let width = c.edges.map { "\($0.consumer) -> \($0.dependency)".count }.max() ?? 0
        for e in c.edges {
            let name = "\(e.consumer) -> \(e.dependency)"
            let pad = String(repeating: " ", count: width - name.count)
            if e.covered {
                out += "  covered      \(name)\(pad)  \(e.targets.count) test\(e.targets.count == 1 ? "" : "s")\n"
                for t in e.targets { out += "      \(t.test)  (\(t.how))\n" }
            } else {
                out += "  NOT COVERED  \(name)\(pad)  no fault test targets this edge\n"
            }
        }
        let missing = c.uncovered.map { "\($0.consumer) -> \($0.dependency)" }
        out += "coverage: \(c.coveredCount) of \(c.edges.count) edge\(c.edges.count == 1 ? "" : "s") targeted by a fault test"
        out += missing.isEmpty ? "\n" : "; not targeted: \(missing.joined(separator: ", "))\n"
        return out
    }

    public static func json(_ c: EdgeCoverage, specPath: String) -> JSONValue {
        .object([
            ("schema", .string("faultbox.coverage/1")),
            ("spec", .string(specPath)),
            ("edges", .array(c.edges.map { e in
                .object([
                    ("consumer", .string(e.consumer)),
                    ("dependency", .string(e.dependency)),
                    ("covered", .bool(e.covered)),
                    ("tests", .array(e.targets.map { t in
                        .object([("name", .string(t.test)), ("how", .string(t.how))])
                    })),
                ])
            })),
            ("summary", .object([
                ("edges", .int(c.edges.count)),
                ("covered", .int(c.coveredCount)),
                ("not_covered", .int(c.edges.count - c.coveredCount)),
            ])),
        ])
    }
}
