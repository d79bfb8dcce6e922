// swift-tools-version:6.0
// The faultbox toolchain. Dependencies point one way (see docs/architecture.md):
// StarlarkSyntax -> StarlarkResolve -> StarlarkCompile -> StarlarkVM -> SpecLowering;
// Injector and Reports import no Starlark module; FaultPlan imports only StarlarkSyntax,
// for the one string-literal writer (StarlarkQuote) its messages quote spec values with.
import PackageDescription

let package = Package(
    name: "faultbox",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "faultbox", targets: ["faultbox"]),
        .executable(name: "mock-db", targets: ["mock-db"]),
        .executable(name: "mock-api", targets: ["mock-api"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Already built for async-http-client; named here because ServiceClients configures TLS.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The language, one layer per target.
        .target(name: "StarlarkSyntax"),
        .target(name: "StarlarkResolve", dependencies: ["StarlarkSyntax", "DidYouMean"]),
        .target(name: "StarlarkCompile", dependencies: ["StarlarkSyntax", "StarlarkResolve"]),
        // Release builds drop the run-time exclusivity checks of the interpreter's hot
        // paths (3-14% of CPU on the benchmarks, docs/vm.md); debug builds, which run every
        // test, keep them, so an overlapping access still traps where the tests reach it.
        .target(name: "StarlarkVM", dependencies: [
            "StarlarkSyntax", "StarlarkResolve", "StarlarkCompile", "DidYouMean",
            .product(name: "BigInt", package: "BigInt"),
        ], swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        // go.starlark.net's test harness: assert.star's natives and its fixtures (hasfields,
        // fibonacci, gensym). Not part of the language: only `faultbox eval` (for assert.star
        // and the conformance runner) and the tests link it.
        .target(name: "StarlarkTestSupport", dependencies: ["StarlarkSyntax", "StarlarkVM", "DidYouMean"]),

        // Leaves every layer may use: Go-syntax durations ("1m30s"), read by specs, --fault
        // and --timeout alike; did-you-mean suggestions, one rule for every mistyped name.
        .target(name: "Durations"),
        .target(name: "DidYouMean"),
        // The one JSON writer (plan, report, trace events) and its one escaping rule.
        .target(name: "JSONText"),
        // The release version (`faultbox --version`, every report); bumped by hand (docs/compat.md).
        .target(name: "FaultboxVersion"),

        // The fault plan (typed IR) and the bridge from VM values to it.
        .target(name: "FaultPlan", dependencies: ["Durations", "DidYouMean", "JSONText", "StarlarkSyntax"]),
        .target(name: "SpecLowering", dependencies: [
            "StarlarkVM", "FaultPlan", "Durations", "DidYouMean", "Trace",
            // Only for tls_cert(...): its PEM files are parsed by the client's own TLS
            // library at load, so a file the client could not use fails there.
            "ServiceClients",
            .product(name: "Yams", package: "Yams"),
        ]),

        // The event trace: events, filters, the per-test store, decoders and encoders.
        // Imports nothing of Starlark, the injector or the runner (docs/trace.md).
        .target(name: "Trace", dependencies: ["JSONText"]),

        // The syscall injector: C for fork/exec/ptrace/seccomp, Swift above it.
        .target(name: "CInjector", linkerSettings: [.linkedLibrary("seccomp")]),
        .target(name: "Injector", dependencies: ["CInjector", "Durations"]),

        // Reports (JUnit through libxml2, JSON, console; HTML embeds the JSON gzipped by zlib).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Reports", dependencies: ["CLibXML2", "CZlib", "Trace", "JSONText", "FaultboxVersion"]),

        // HTTP(S) and TCP clients that specs use to talk to services (HTTP: async-http-client).
        .target(name: "ServiceClients", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),

        // Execution of cells against real services.
        .target(name: "Runner", dependencies: [
            "FaultPlan", "SpecLowering", "Injector", "ServiceClients", "Reports", "StarlarkVM", "Trace", "Durations",
        ]),
        .target(name: "Generator", dependencies: ["FaultPlan", "DidYouMean", "StarlarkSyntax"]),

        // The command line: a testable library and a thin executable.
        .target(name: "FaultboxCommands", dependencies: [
            "StarlarkSyntax", "StarlarkResolve", "StarlarkCompile", "StarlarkVM",
            "FaultPlan", "SpecLowering", "Injector", "Runner", "Reports", "Generator", "Trace", "JSONText",
            "StarlarkTestSupport", "FaultboxVersion",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Linked as a position-dependent executable (as Go links its binaries): a PIE of
        // this size applies ~78,000 relocations at every start and dirties their pages;
        // without them `faultbox eval` starts in 3.8 ms instead of 4.8 ms and peaks
        // 1.6 MB lower (docs/vm.md, "Start-up and memory").
        .executableTarget(name: "faultbox", dependencies: ["FaultboxCommands"],
                          linkerSettings: [.unsafeFlags(["-Xclang-linker", "-no-pie"])]),

        // Demo services for the tutorial.
        // Linked with a static Swift runtime: they are started for every test cell, and
        // skipping the dynamic load of libswiftCore halves start-up (docs/demo-services.md).
        .target(name: "DemoNet"),  // the socket helpers both demo services use
        .executableTarget(name: "mock-db", dependencies: ["DemoNet"], linkerSettings: [.unsafeFlags(["-static-stdlib"])]),
        .executableTarget(name: "mock-api", dependencies: ["DemoNet"], linkerSettings: [.unsafeFlags(["-static-stdlib"])]),

        // Fuzz targets (docs/fuzzing.md): one executable per target. Built with
        // -sanitize=fuzzer,address and -DFUZZING (make fuzz) they run libFuzzer; an ordinary
        // build replays the inputs given as arguments (the regression tests do that).
        .target(name: "CFuzzerDriver"),
        .target(name: "FuzzTargets", dependencies: [
            "CFuzzerDriver", "StarlarkSyntax", "StarlarkCompile", "StarlarkVM", "FaultPlan",
            "Injector", "Reports", "FaultboxCommands", "Durations",
        ]),
        .executableTarget(name: "fuzz-front-end", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "fuzz-spec", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "fuzz-fault-rule", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "fuzz-junit", dependencies: ["FuzzTargets"]),

        // Tests, one target per layer; ptrace tests in their own target. TestSupport holds
        // what every suite shares: the one way to skip (a failure in CI) and kernel-chosen ports.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "StarlarkSyntaxTests", dependencies: ["StarlarkSyntax", "TestSupport"]),
        .testTarget(name: "StarlarkVMTests", dependencies: [
            "StarlarkSyntax", "StarlarkResolve", "StarlarkCompile", "StarlarkVM", "StarlarkTestSupport", "TestSupport",
        ]),
        .testTarget(name: "FaultPlanTests", dependencies: ["FaultPlan", "SpecLowering", "StarlarkVM", "TestSupport"],
                    exclude: ["testdata"]),
        .testTarget(name: "DurationsTests", dependencies: ["Durations"]),
        .testTarget(name: "DidYouMeanTests", dependencies: ["DidYouMean"]),
        .testTarget(name: "JSONTextTests", dependencies: ["JSONText"]),
        .testTarget(name: "InjectorTests", dependencies: ["Injector", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Trace", "TestSupport", "FaultboxVersion"]),
        .testTarget(name: "TraceTests", dependencies: ["Trace"]),
        .testTarget(name: "ServiceClientsTests", dependencies: ["ServiceClients", "TestSupport"]),
        .testTarget(name: "GeneratorTests", dependencies: ["Generator", "FaultPlan", "SpecLowering", "TestSupport"]),
        // html/ holds the Selenium script that drives the HTML report in headless Chromium.
        .testTarget(name: "EndToEndTests", dependencies: ["FaultboxCommands", "Reports", "TestSupport", "FaultboxVersion"],
                    exclude: ["html", "Support/as-nobody-without-userns.py"]),
    ],
    swiftLanguageModes: [.v6]
)
