import Cgroups
import Glibc
import Linux
import Runtime

/// `swcompose __exec <state-dir> [--privileged] [--tty] [--user U] [--workdir D] [--env K=V]... -- CMD ARGS...`: runs a
/// command in a running container with this process's stdio and exits with its status. Spawned by the CLI (which
/// must never fork) so that the fork into the container's namespaces happens in a fresh single-threaded process.
/// With `--tty` the command gets a pty from the container's own devpts and this process relays to it.
enum ExecMode {
    static func run(_ arguments: [String]) -> Int32 {
        guard let separator = arguments.firstIndex(of: "--"), separator >= 1, separator + 1 < arguments.count else {
            printError("usage: swcompose __exec STATE-DIR [--privileged] [--tty] [--user U] [--workdir D] [--env K=V]... -- CMD [ARGS...]")
            return 125
        }
        let directory = arguments[0]
        let spec: SupervisorSpec
        let state: ContainerState
        do {
            spec = try StateFiles.read(SupervisorSpec.self, from: StateFiles.config(directory))
            state = try StateFiles.read(ContainerState.self, from: StateFiles.state(directory))
        } catch {
            printError("swcompose: read container state in \(directory): \(error)")
            return 125
        }
        guard state.status == .running, let pid = state.pid else {
            printError("swcompose: container \(spec.container.name) is not running")
            return 125
        }
        var process = spec.container.process
        process.args = Array(arguments[(separator + 1)...])
        var index = 1
        var privileged = false
        var tty = false
        while index < separator, let flag = ["--privileged", "--tty"].first(where: { $0 == arguments[index] }) {
            if flag == "--tty" { tty = true } else { privileged = true }
            index += 1
        }
        while index + 1 < separator {
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--user": process.user = value
            case "--workdir": process.cwd = value
            case "--env": process.env.append(value)
            default:
                printError("swcompose __exec: unknown option \(arguments[index])")
                return 125
            }
            index += 2
        }
        let cgroup = spec.cgroup.map { Cgroups.manager(for: $0) }
        guard tty else {
            let child: pid_t
            do {
                child = try ContainerJoin.spawn(
                    into: pid, spec: spec.container, process: process, cgroup: cgroup, stdio: .inherited, privileged: privileged)
            } catch {
                printError("swcompose: \(error)")
                return 126
            }
            guard let status = try? Process.wait(child)?.status else { return 125 }
            return status.code
        }
        let pty: PseudoTerminal
        let signals: SignalDescriptor
        do {
            pty = try openTerminal(in: pid)
            try Signals.block(TerminalRelay.signals)
            signals = try SignalDescriptor(TerminalRelay.signals)
        } catch {
            printError("swcompose: allocate a terminal in \(spec.container.name): \(error)")
            return 126
        }
        let child: pid_t
        do {
            let stdio = ContainerStdio(input: pty.terminal, output: pty.terminal, error: pty.terminal, isTerminal: true)
            child = try ContainerJoin.spawn(
                into: pid, spec: spec.container, process: process, cgroup: cgroup, stdio: stdio, privileged: privileged)
        } catch {
            printError("swcompose: \(error)")
            return 126
        }
        // Only the command may hold the terminal end: the controller reports EIO once it is gone.
        pty.terminal.closeQuietly()
        do {
            return try TerminalRelay(controller: pty.controller, child: child, signalDescriptor: signals).run()
        } catch {
            printError("swcompose: relay terminal of \(spec.container.name): \(error)")
            return (try? Process.wait(child)?.status.code) ?? 125
        }
    }

    /// A pty of the container's devpts instance, so that the command sees itself on /dev/pts/N as docker's do.
    private static func openTerminal(in pid: pid_t) throws(Errno) -> PseudoTerminal {
        let root = try FileDescriptor.open("/proc/\(pid)/root", [.path, .directory])
        defer { root.closeQuietly() }
        return try PseudoTerminal.open(ptmx: "dev/pts/ptmx", beneath: root)
    }
}
