import Foundation

/// For bench/leaks.sh (issue 12, section 5): with FAULTBOX_SAMPLE_CELLS=50,500 in the
/// environment, the serial runner writes faultbox's own open descriptors, threads and
/// resident memory to stderr after those cells, when the cell's services are gone:
///   faultbox: after cell 50: fds=12 threads=4 rss_kb=31240
/// Read from /proc/self, so what a long run keeps shows as growth between two samples.
enum ResourceSample {
    private static let cells: Set<Int> = Set(
        (ProcessInfo.processInfo.environment["FAULTBOX_SAMPLE_CELLS"] ?? "").split(separator: ",").compactMap { Int($0) })

    static func afterCell(_ number: Int) {
        guard cells.contains(number) else { return }
        let fds = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).count
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return "?" }
            let value = line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
            return value.split(separator: " ").first.map(String.init) ?? "?"
        }
        // contentsOfDirectory holds one descriptor of its own while it lists: not counted.
        TestRun.writeStderr("faultbox: after cell \(number): fds=\(fds - 1) threads=\(field("Threads")) rss_kb=\(field("VmRSS"))\n")
    }
}
