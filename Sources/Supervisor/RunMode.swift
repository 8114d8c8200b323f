import Cgroups
import Glibc
import Linux
import Runtime

/// `swcompose __run --rootfs DIR [options] -- CMD ARGS...`: one container in the foreground, for tests and
/// benchmarks, and the builder's RUN steps (`--lower`, topmost first, with `--upper` and `--work`: an overlay
/// mounted at the rootfs dir inside the container's mount namespace). Exits with the container's status
/// (128+signal when killed).
enum RunMode {
    static let usage = """
        usage: swcompose __run --rootfs DIR [--keep] [--hostname NAME] [--user USER] [--memory BYTES] [--pids N]
                               [--env K=V]... [--read-only] [--privileged] [--network host|none] [--cwd DIR]
                               [--lower DIR... --upper DIR --work DIR] -- CMD [ARGS...]
        """

    struct Options {
        var rootfs: String?
        var keep = false
        var hostname: String?
        var user: String?
        var limits = CgroupLimits()
        var env: [String] = []
        var readOnly = false
        var privileged = false
        var hostNetwork = false
        var cwd = "/"
        var lowerDirs: [String] = []
        var upperDir: String?
        var workDir: String?
        var command: [String] = []
    }

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var index = 0
        func value() -> String? {
            index += 1
            return index < arguments.count ? arguments[index] : nil
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--rootfs": options.rootfs = value()
            case "--keep": options.keep = true
            case "--hostname": options.hostname = value()
            case "--user": options.user = value()
            case "--memory": options.limits.memory = value().flatMap { Int64($0) }
            case "--pids": options.limits.pids = value().flatMap { Int64($0) }
            case "--env": value().map { options.env.append($0) }
            case "--read-only": options.readOnly = true
            case "--privileged": options.privileged = true
            case "--network": options.hostNetwork = value() == "host"
            case "--cwd": value().map { options.cwd = $0 }
            case "--lower": value().map { options.lowerDirs.append($0) }
            case "--upper": options.upperDir = value()
            case "--work": options.workDir = value()
            case "--":
                options.command = Array(arguments[(index + 1)...])
                index = arguments.count
                continue
            default: return nil
            }
            index += 1
        }
        let overlay = !options.lowerDirs.isEmpty
        guard overlay == (options.upperDir != nil) && overlay == (options.workDir != nil) else { return nil }
        return options.rootfs == nil || options.command.isEmpty ? nil : options
    }

    static func run(_ arguments: [String]) -> Int32 {
        guard let options = parse(arguments), let rootfs = options.rootfs else {
            printError(usage)
            return 125
        }
        let id = "swc-run-\(getpid())"
        var spec = ContainerSpec(
            id: id, name: id, project: "run", rootfs: .directory(rootfs),
            process: ProcessSpec(
                args: options.command,
                env: CommandResolver.environment(image: [], service: options.env, hostname: options.hostname, tty: false),
                cwd: options.cwd))
        if let upper = options.upperDir, let work = options.workDir {
            spec.rootfs = .overlay(lowerDirs: options.lowerDirs, upperDir: upper, workDir: work, mergedDir: rootfs)
        }
        spec.hostname = options.hostname ?? String(id.prefix(12))
        spec.process.user = options.user
        spec.limits = options.limits
        spec.readOnlyRootfs = options.readOnly
        spec.privileged = options.privileged
        if options.hostNetwork { spec.network = .host }

        let cgroup: any CgroupManager
        do {
            try spec.resolveDeviceRules()
            cgroup = Cgroups.manager(for: try Cgroups.placement(project: spec.project, id: id, limits: spec.limits))
            try cgroup.create(spec.limits)
        } catch {
            printError("swcompose: \(error)")
            return 125
        }
        defer {
            if !options.keep {
                _ = cgroup.killAll(timeout: 5)
                try? cgroup.destroy()
            }
        }
        let container: RunningContainer
        do {
            container = try ContainerLauncher(spec: spec).launch(stdio: .inherited, cgroup: cgroup)
        } catch {
            printError("swcompose: \(error)")
            if case .setup(_, let code) = error { return code }
            return 125
        }
        defer { container.pidfd.closeQuietly() }
        guard let status = try? Process.wait(container.pid)?.status else { return 125 }
        if cgroup.oomKillCount() > 0 { printError("swcompose: container \(id) was killed: out of memory (OOMKilled)") }
        return status.code
    }
}

func printError(_ message: String) {
    try? FileDescriptor.standardError.writeAll(message + "\n")
}
