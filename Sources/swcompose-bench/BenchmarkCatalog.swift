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
        Benchmark(name: "start", summary: "`__run` of /bin/true vs `crun run` and `podman run --rm`; supervisor memory",
                  run: StartBenchmark.run),
        Benchmark(name: "updown", summary: "`up -d` and `down` of 3/10/30 busybox services vs podman-compose",
                  run: UpDownBenchmark.run),
        Benchmark(name: "netsetup", summary: "veth, address and route per container: rtnetlink vs `ip` commands",
                  run: NetSetupBenchmark.run),
        Benchmark(name: "proxy", summary: "published port: iperf3 Gbit/s and HTTP connections/s through the proxy vs straight to the container",
                  run: ProxyBenchmark.run),
    ]

    static func named(_ name: String) -> Benchmark? { benchmarks.first { $0.name == name } }

    static var listing: String {
        let width = benchmarks.map(\.name.count).max() ?? 0
        return "benchmarks:\n" + benchmarks.map {
            "  " + $0.name + String(repeating: " ", count: width - $0.name.count + 2) + $0.summary + "\n"
        }.joined()
    }
}
