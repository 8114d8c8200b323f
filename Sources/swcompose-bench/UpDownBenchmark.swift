import Glibc
import Linux

/// `up -d` then `down` of the busybox stacks (3, 10, 30 services), each tool in turn within a round so
/// load on the machine hits every tool alike. swcompose has its own state root and project name.
enum UpDownBenchmark {
    static let targetSeconds = 0.5
    static let targetSpeedup = 10.0
    static let stackSizes = [3, 10, 30]

    static func run(_ context: BenchContext) throws(BenchError) {
        let swcompose = try context.swcompose()
        let image = try BusyboxImage(context: context)
        let root = try StateRootDirectory.make()
        defer { try? context.removeTree(root) }
        try image.importInto(root: root, swcompose: swcompose, context: context)
        var environment = context.environment
        environment["SWCOMPOSE_ROOT"] = root
        var tools = [ComposeTool(label: "swcompose", binary: swcompose, environment: environment)]

        var podman: Podman?
        if let peer = try podmanCompose(image: image, context: context) {
            podman = peer.0
            tools.append(peer.1)
        }
        defer { podman?.removeEverything(context: context) }

        var figures: [(Int, [String: (up: Samples, down: Samples)?])] = []
        for services in stackSizes {
            let file = try ComposeStacks.path(services: services, context: context)
            let samples = try measure(tools: tools, file: file, project: "swcbench\(services)x\(getpid())", context: context)
            var byTool: [String: (up: Samples, down: Samples)?] = [:]
            for (tool, sample) in zip(tools, samples) { byTool[tool.label] = sample }
            figures.append((services, byTool))
        }
        report(figures, tools: tools)
        if tools.count == 1 {
            Console.out("podman-compose not run; reference from shared/peers/README.md (podman-compose 1.6 / podman 4.3): "
                + "up -d 3/10/30 = 1.30/3.13/8.81 s, down = 1.09/1.94/4.84 s\n")
        }
    }

    /// podman-compose over podman with storage under the work directory, or nil (noted) when it cannot run safely here.
    static func podmanCompose(image: BusyboxImage, context: BenchContext) throws(BenchError) -> (Podman, ComposeTool)? {
        guard let compose = context.peer(context.options.podmanCompose, hint: "pip install podman-compose in a venv, pass --podman-compose PATH"),
              let binary = context.peer(context.options.podman, hint: "apt-get install podman")
        else { return nil }
        // netavark adds NAT rules for a compose network: run only behind the forwarding guard of examples/bench/peer-host.sh.
        let nft = ProgramLocator.find("nft", path: context.environment["PATH"]) ?? "nft"
        let guardUp = (try? ProcessRunner.run([nft, "list", "table", "inet", "swc_bench_guard"], environment: context.environment,
                                               stderrPath: context.stderrPath("nft")))?.status.succeeded ?? false
        guard guardUp else {
            context.note("podman-compose skipped: no forwarding guard (run examples/bench/peer-host.sh up first)")
            return nil
        }
        let podman = try Podman(binary: binary, context: context)
        try podman.importImage(image, context: context)
        var environment = podman.environment
        // podman-compose runs `podman` from PATH: the same one.
        environment["PATH"] = FileSystem.parentPath(of: binary) + ":" + (context.environment["PATH"] ?? "/usr/bin:/bin")
        return (podman, ComposeTool(label: "podman-compose", binary: compose, environment: environment, isPeer: true))
    }

    /// Up and down samples per tool; nil for a peer that failed.
    static func measure(tools: [ComposeTool], file: String, project: String, context: BenchContext) throws(BenchError) -> [(up: Samples, down: Samples)?] {
        var samples: [(up: Samples, down: Samples)?] = Array(repeating: (Samples(), Samples()), count: tools.count)
        for round in 0...context.runs(default: 5) {
            for (index, tool) in tools.enumerated() {
                guard let taken = samples[index] else { continue }
                if taken.up.count >= 3 && taken.up.total + taken.down.total >= context.options.budgetSeconds { continue }
                do {
                    let (up, down) = try cycle(tool, file: file, project: project, context: context)
                    if round > 0 {
                        samples[index]?.up.add(up)
                        samples[index]?.down.add(down)
                    }
                } catch {
                    guard tool.isPeer else { throw error }
                    context.note("\(tool.label) failed on \(file), rows skipped: \(error)")
                    samples[index] = nil
                }
            }
        }
        return samples
    }

    /// One timed `up -d` and one timed `down`; a failed `up` is still taken down before the error goes up.
    static func cycle(_ tool: ComposeTool, file: String, project: String, context: BenchContext) throws(BenchError) -> (Double, Double) {
        let stderr = context.stderrPath("updown-\(tool.label)")
        let up: ProcessRun
        do {
            up = try ProcessRunner.runChecked(tool.up(file: file, project: project), environment: tool.environment, stderrPath: stderr)
        } catch {
            _ = try? ProcessRunner.run(tool.down(file: file, project: project), environment: tool.environment, stderrPath: stderr + ".down")
            throw error
        }
        let down = try ProcessRunner.runChecked(tool.down(file: file, project: project), environment: tool.environment, stderrPath: stderr)
        return (up.seconds, down.seconds)
    }

    static func report(_ figures: [(Int, [String: (up: Samples, down: Samples)?])], tools: [ComposeTool]) {
        var table = ReportTable(title: "updown: busybox stacks, median wall time (load \(LoadAverage.text))",
                                headers: ["tool", "services", "runs", "up -d s", "down s", "up min s", "down min s", "up vs swcompose", "down vs swcompose"])
        for (services, byTool) in figures {
            let own = byTool["swcompose"] ?? nil
            for tool in tools {
                guard let sample = byTool[tool.label] ?? nil else {
                    table.add([tool.label, String(services), "failed", "-", "-", "-", "-", "-", "-"])
                    continue
                }
                table.add([tool.label, String(services), String(sample.up.count),
                           Figure.fixed(sample.up.median, digits: 3), Figure.fixed(sample.down.median, digits: 3),
                           Figure.fixed(sample.up.min, digits: 3), Figure.fixed(sample.down.min, digits: 3),
                           own.map { Figure.ratio(sample.up.median / $0.up.median) } ?? "-",
                           own.map { Figure.ratio(sample.down.median / $0.down.median) } ?? "-"])
            }
        }
        Console.out(table.render())
        for (services, byTool) in figures where services == 10 {
            guard let own = byTool["swcompose"] ?? nil else { continue }
            let met = own.up.median < targetSeconds && own.down.median < targetSeconds
            Console.out("target 10 services up -d and down each < 0.5 s: \(met ? "met" : "MISSED")\n")
            if let peer = byTool["podman-compose"] ?? nil {
                let speedup = min(peer.up.median / own.up.median, peer.down.median / own.down.median)
                Console.out("target >= 10x faster than podman-compose (10 services, slower of up/down): "
                    + "\(Figure.ratio(speedup)) \(speedup >= targetSpeedup ? "met" : "MISSED")\n")
            }
        }
    }
}
