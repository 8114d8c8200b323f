import Cgroups
import Glibc
import Linux
import Runtime

/// `swcompose __exec <state-dir> [--privileged] [--user U] [--workdir D] [--env K=V]... -- CMD ARGS...`: runs a command in a
/// running container with this process's stdio and exits with its status. Spawned by the CLI (which must
/// never fork) so that the fork into the container's namespaces happens in a fresh single-threaded process.
enum ExecMode {
    static func run(_ arguments: [String]) -> Int32 {
        guard let separator = arguments.firstIndex(of: "--"), separator >= 1, separator + 1 < arguments.count else {
            printError("usage: swcompose __exec STATE-DIR [--user U] [--workdir D] [--env K=V]... -- CMD [ARGS...]")
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
        if index < separator && arguments[index] == "--privileged" {
            privileged = true
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
}
