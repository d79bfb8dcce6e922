import StarlarkResolve

/// Access to the resolver's suggestion routine from the interpreter.
enum StarlarkResolveBridge {
    static func nearest(_ name: String, _ candidates: [String]) -> String? {
        nearestName(name, candidates)
    }
}
