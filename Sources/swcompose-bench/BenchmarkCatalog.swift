/// One named benchmark. `run` prints its own tables.
struct Benchmark: Sendable {
    let name: String
    let summary: String
    /// nil for a benchmark that is named and planned but not written yet.
    let run: (@Sendable (BenchContext) throws(BenchError) -> Void)?
}

/// Every benchmark by name. To add one, write a type with `static func run(_: BenchContext) throws(BenchError)`
/// (one file, see ConfigBenchmark) and put it in place of its `run: nil` below; `all` then runs it too.
enum BenchmarkCatalog {
    static let benchmarks: [Benchmark] = [
        Benchmark(name: "config", summary: "`config -q` on 500-service and ~5 MB files vs docker compose v2 and 1.29",
                  run: ConfigBenchmark.run),
        Benchmark(name: "unpack", summary: "`image import` of a ~300 MB .tar.gz from /usr vs `tar -xzf`",
                  run: UnpackBenchmark.run),
        Benchmark(name: "dns", summary: "embedded DNSServer vs dnsmasq on loopback: q/s, p50, p99",
                  run: DNSQueryBenchmark.run),
        Benchmark(name: "start", summary: "container start vs `crun run` (planned)", run: nil),
        Benchmark(name: "updown", summary: "10-service up/down vs podman-compose (planned)", run: nil),
        Benchmark(name: "netsetup", summary: "bridge and veth setup per container (planned)", run: nil),
    ]

    static func named(_ name: String) -> Benchmark? { benchmarks.first { $0.name == name } }

    static var listing: String {
        let width = benchmarks.map(\.name.count).max() ?? 0
        return "benchmarks:\n" + benchmarks.map {
            "  " + $0.name + String(repeating: " ", count: width - $0.name.count + 2) + $0.summary + "\n"
        }.joined()
    }
}
