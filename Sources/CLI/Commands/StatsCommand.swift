import Cgroups
import FoundationEssentials
import Glibc
import Linux
import Reconciler

enum StatsCommand {
    static let spec = CommandSpec(
        "stats", "Display a live stream of container(s) resource usage statistics", arguments: "[SERVICE]",
        options: [
            .flag("all", short: "a", "Show all containers (default shows just running)"),
            .flag("no-stream", "Disable streaming stats and only pull the first result"),
            .value("format", "FORMAT", "Format the output", choices: ["table", "json"]),
            .flag("no-trunc", "Do not truncate output"),
        ]
    ) { invocation in
        let view = try ProjectView(invocation, services: invocation.arguments)
        let options = invocation.options
        signal(SIGINT) { _ in interrupts.add(1, ordering: .relaxed) }
        var previous: [String: (cpu: UInt64, at: Double)] = [:]
        var first = true
        while interrupts.load(ordering: .relaxed) == 0 {
            let containers = view.containers(invocation.arguments, oneOff: true).filter { options.flag("all") || $0.state.isActive }
            var samples: [(ProjectRuntime.Container, CgroupStats, Double)] = []
            for container in containers {
                let stats = container.spec.cgroup.map { Cgroups.manager(for: $0).stats() } ?? CgroupStats()
                samples.append((container, stats, Clock.now()))
            }
            // CPU % needs two samples: the first round only primes them.
            if first {
                for (container, stats, at) in samples { previous[container.id] = (stats.cpuUsageNanoseconds ?? 0, at) }
                first = false
                try await Task.sleep(for: .milliseconds(500))
                continue
            }
            let rows = samples.map { container, stats, at in
                let cpu = stats.cpuUsageNanoseconds ?? 0
                let before = previous[container.id] ?? (cpu, at)
                previous[container.id] = (cpu, at)
                return StatsRow(container, stats, cpuPercent: at > before.at ? Double(cpu &- before.cpu) / 1e9 / (at - before.at) * 100 : 0,
                                truncate: !options.flag("no-trunc"))
            }
            if options.value("format") == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                for row in rows { Console.out(String(decoding: try encoder.encode(row), as: UTF8.self) + "\n") }
            } else {
                let table = Table.render(["CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS"],
                                         rows.map { [$0.ID, $0.Name, $0.CPUPerc, $0.MemUsage, $0.MemPerc, $0.NetIO, $0.BlockIO, $0.PIDs] })
                Console.out(options.flag("no-stream") ? table : "\u{1B}[2J\u{1B}[H" + table)
            }
            if options.flag("no-stream") { break }
            try await Task.sleep(for: .seconds(1))
        }
        return 0
    }
}

/// One container's usage, with `docker stats --format json` field names.
struct StatsRow: Encodable {
    let ID, Name, CPUPerc, MemUsage, MemPerc, NetIO, BlockIO, PIDs: String

    init(_ container: ProjectRuntime.Container, _ stats: CgroupStats, cpuPercent: Double, truncate: Bool) {
        ID = truncate ? String(container.id.prefix(12)) : container.id
        Name = container.name
        CPUPerc = Self.percent(cpuPercent)
        let memory = stats.memoryUsage ?? 0
        // An unlimited cgroup reports a huge limit; docker shows the host's memory then.
        let hostMemory = UInt64(sysconf(Int32(_SC_PHYS_PAGES))) * UInt64(sysconf(Int32(_SC_PAGESIZE)))
        let limit = min(stats.memoryLimit ?? hostMemory, hostMemory)
        MemUsage = "\(Table.size(Int64(clamping: memory), binary: true)) / \(Table.size(Int64(clamping: limit), binary: true))"
        MemPerc = Self.percent(limit > 0 ? Double(memory) / Double(limit) * 100 : 0)
        let network = container.state.pid.map(Self.networkBytes) ?? (0, 0)
        NetIO = "\(Table.size(Int64(network.0))) / \(Table.size(Int64(network.1)))"
        BlockIO = "\(Table.size(Int64(stats.blockReadBytes ?? 0))) / \(Table.size(Int64(stats.blockWriteBytes ?? 0)))"
        PIDs = "\(stats.pids ?? 0)"
    }

    static func percent(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)%"
    }

    /// Received and sent bytes on the container's interfaces except loopback, from its netns' /proc/net/dev.
    static func networkBytes(_ pid: Int32) -> (UInt64, UInt64) {
        guard let bytes = try? FileSystem.readFile("/proc/\(pid)/net/dev") else { return (0, 0) }
        var received: UInt64 = 0
        var sent: UInt64 = 0
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst(2) {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].filter({ $0 != " " }) != "lo" else { continue }
            let numbers = parts[1].split(separator: " ").compactMap { UInt64($0) }
            if numbers.count >= 9 {
                received += numbers[0]
                sent += numbers[8]
            }
        }
        return (received, sent)
    }
}
