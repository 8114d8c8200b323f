import Glibc
import Linux

/// One container, create + start + exit of `/bin/true` from the busybox rootfs, against `crun run` on
/// the same directory and `podman run --rm` on the same tar; then the supervisors' memory.
enum StartBenchmark {
    static let targetVersusCrun = 2.0
    static let targetVersusPodman = 5.0

    static func run(_ context: BenchContext) throws(BenchError) {
        let swcompose = try context.swcompose()
        let image = try BusyboxImage(context: context)
        var commands = [
            CommandTimer.Command(label: "swcompose __run", arguments: [swcompose, "__run", "--rootfs", image.rootfsPath, "--", "/bin/true"],
                                 environment: context.environment),
        ]
        if let crun = context.peer(context.options.crun, hint: "apt-get install crun") {
            do {
                let bundle = try CrunBundle(crun: crun, rootfs: image.rootfsPath, directory: "\(context.workDirectory)/crun-bundle", context: context)
                commands.append(CommandTimer.Command(label: "crun run", arguments: [crun, "run", "-b", bundle.path, "swc-bench-crun-\(getpid())"],
                                                     environment: context.environment, isPeer: true))
            } catch {
                context.note("crun skipped: \(error)")
            }
        }
        var podman: Podman?
        if let binary = context.peer(context.options.podman, hint: "apt-get install podman") {
            do {
                let peer = try Podman(binary: binary, context: context)
                podman = peer
                try peer.importImage(image, context: context)
                commands.append(CommandTimer.Command(label: "podman run --rm --network none",
                                                     arguments: peer.command(["run", "--rm", "--network", "none", BusyboxImage.reference, "/bin/true"]),
                                                     environment: peer.environment, isPeer: true))
            } catch {
                context.note("podman skipped: \(error)")
            }
        }
        defer { podman?.removeEverything(context: context) }
        context.note("start: swcompose and crun use new pid, net, ipc, uts and mount namespaces and set up no network (loopback only); "
            + "swcompose also creates v1 cgroups and a writable bind of the rootfs, crun's default spec a read-only root; "
            + "podman runs --network none (its default bridge network would add NAT rules)")
        // Milliseconds are measured: no GNU time around each run.
        var timer = CommandTimer(context: context, runs: context.runs(default: 50))
        timer.measuresPeakMemory = false
        let samples = try timer.measure(commands)
        Console.out(ReportTable.commands(title: "start: create + start + exit of /bin/true, busybox rootfs (load \(LoadAverage.text))",
                                         commands: commands, samples: samples).render())
        if let own = samples[0]?.seconds.median {
            for (index, command) in commands.enumerated().dropFirst() {
                guard let peer = samples[index]?.seconds.median else { continue }
                Console.out(verdict(own: own, peer: peer, label: command.label))
            }
        }
        try SupervisorMemory.run(swcompose: swcompose, image: image, context: context)
    }

    static func verdict(own: Double, peer: Double, label: String) -> String {
        if label.hasPrefix("crun") {
            let ratio = own / peer
            return "swcompose / crun: \(Figure.ratio(ratio)) (target <= 2.00x: \(ratio <= targetVersusCrun ? "met" : "MISSED"))\n"
        }
        let speedup = peer / own
        return "podman / swcompose: \(Figure.ratio(speedup)) (target >= 5.00x faster: \(speedup >= targetVersusPodman ? "met" : "MISSED"))\n"
    }
}
