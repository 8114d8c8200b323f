import Cgroups
import FoundationEssentials
import Glibc
import Linux
import Runtime

/// Container operations for the reconciler and the CLI. Safe to call from a multithreaded process:
/// it never forks; supervisors and exec sessions are started with posix_spawn of `executable`.
/// Layout: `<lib>/containers/<id>/{config.json,state.json,container.log}`, control socket `<run>/sock/<id>.sock`.
public struct ContainerStore: Sendable {
    public let root: StateRoot
    /// The swcompose binary to re-execute: `/proc/self/exe` in the CLI, the built binary in tests.
    public var executable: String

    public init(root: StateRoot, executable: String = "/proc/self/exe") {
        self.root = root
        self.executable = executable
    }

    public func directory(_ id: String) -> String { "\(root.containers)/\(id)" }
    /// 16 hex digits are unique enough and keep the path under the 108-byte limit of a unix socket address.
    public func socketPath(_ id: String) -> String { "\(root.sockets)/\(id.prefix(16)).sock" }

    /// Writes the container's state directory; decides its paths and cgroup placement. `prepare` gets the final
    /// spec and the directory being built (renamed to `spec.stateDir` afterwards) to add files of its own.
    @discardableResult
    public func create(
        _ spec: SupervisorSpec, prepare: (SupervisorSpec, String) throws -> Void = { _, _ in }
    ) throws(ContainerStoreError) -> SupervisorSpec {
        var spec = spec
        let id = spec.container.id
        let directory = directory(id)
        guard !FileSystem.exists(directory) else { throw .alreadyExists(id) }
        spec.stateDir = directory
        if spec.logPath.isEmpty { spec.logPath = directory + "/container.log" }
        if spec.controlSocket.isEmpty { spec.controlSocket = socketPath(id) }
        // Built under a temporary name and renamed into place: a command killed half-way leaves a
        // `.creating-` directory (swept under the project lock), never a container without its state.
        let temporary = "\(root.containers)/.creating-\(spec.container.project)-\(id)"
        do {
            if spec.cgroup == nil {
                spec.cgroup = try Cgroups.placement(project: spec.container.project, id: id, limits: spec.container.limits)
            }
            try FileSystem.createDirectory(temporary, mode: 0o700)
            try FileSystem.createDirectory(root.sockets, mode: 0o700)
            try StateFiles.write(spec, to: StateFiles.config(temporary), durable: true)
            try StateFiles.write(
                ContainerState(id: id, name: spec.container.name, project: spec.container.project),
                to: StateFiles.state(temporary))
            try prepare(spec, temporary)
            try check(rename(temporary, directory), "rename", directory)
        } catch {
            try? FileSystem.removeTree(temporary)
            throw .failed("create container \(spec.container.name)", "\(error)")
        }
        return spec
    }

    public func config(_ id: String) throws(ContainerStoreError) -> SupervisorSpec {
        do { return try StateFiles.read(SupervisorSpec.self, from: StateFiles.config(directory(id))) } catch {
            throw .notFound(id)
        }
    }

    /// Spawns the supervisor and waits for its "started <pid>" line. Returns the container's PID 1.
    @discardableResult
    public func start(_ id: String) throws(ContainerStoreError) -> pid_t {
        let spec = try config(id)
        if let state = try? inspect(id), state.isActive { throw .alreadyRunning(spec.container.name) }
        do {
            let json = Array(try JSONEncoder().encode(spec))
            let specPipe = try FileDescriptor.pipe()
            let statusPipe = try FileDescriptor.pipe()
            let devNull = try FileDescriptor.open("/dev/null", .readWrite)
            let supervisorLog = try FileDescriptor.open(
                directory(id) + "/supervisor.log", [.writeOnly, .create, .append], mode: 0o640)
            var spawn = Spawn(executable: executable, arguments: ["swcompose", "__supervise", id])
            spawn.descriptors = [0: devNull, 1: supervisorLog, 2: supervisorLog, 3: specPipe.read, 4: statusPipe.write]
            spawn.newSession = true
            let pid: pid_t
            do {
                pid = try spawn.run()
            } catch {
                for fd in [specPipe.read, specPipe.write, statusPipe.read, statusPipe.write, devNull, supervisorLog] {
                    fd.closeQuietly()
                }
                throw error
            }
            for fd in [specPipe.read, statusPipe.write, devNull, supervisorLog] { fd.closeQuietly() }
            try? specPipe.write.writeAll(json)
            specPipe.write.closeQuietly()
            let reply = String(decoding: (try? statusPipe.read.readAll()) ?? [], as: UTF8.self)
            statusPipe.read.closeQuietly()
            // The spawned process forks the real supervisor and exits at once; reap it.
            _ = try? Process.wait(pid)
            let line = reply.split(separator: "\n").first.map(String.init) ?? ""
            if line.hasPrefix("started "), let containerPid = pid_t(line.dropFirst(8)) { return containerPid }
            if line == ContainerSupervisor.alreadySupervised { throw ContainerStoreError.alreadyRunning(spec.container.name) }
            throw ContainerStoreError.startFailed(spec.container.name, line.isEmpty ? "supervisor exited without a status" : line)
        } catch let error as ContainerStoreError {
            throw error
        } catch {
            throw .failed("start \(spec.container.name)", "\(error)")
        }
    }

    /// Sends the stop signal, SIGKILL after `timeout` seconds, and returns once the container has exited.
    public func stop(_ id: String, timeout: Double? = nil, signal: String? = nil) throws(ContainerStoreError) {
        let spec = try config(id)
        let line = "stop \(signal ?? spec.stopSignal) \(timeout ?? spec.stopGracePeriod)"
        do {
            _ = try request(id, line)
        } catch {
            // No supervisor to ask: a dead one leaves processes to reap; otherwise it is already stopped.
            if try inspect(id).status == .dead { try reapOrphan(spec) }
        }
    }

    public func kill(_ id: String, signal: String = "SIGKILL") throws(ContainerStoreError) {
        let reply = try request(id, "kill \(signal)")
        if reply.hasPrefix("error ") { throw .failed("kill \(id)", String(reply.dropFirst(6))) }
    }

    public func pause(_ id: String) throws(ContainerStoreError) {
        let reply = try request(id, "pause")
        if reply.hasPrefix("error ") { throw .failed("pause \(id)", String(reply.dropFirst(6))) }
    }

    public func unpause(_ id: String) throws(ContainerStoreError) {
        let reply = try request(id, "unpause")
        if reply.hasPrefix("error ") { throw .failed("unpause \(id)", String(reply.dropFirst(6))) }
    }

    /// Blocks until the container exits; returns its exit code.
    public func wait(_ id: String) throws(ContainerStoreError) -> Int32 {
        if let reply = try? request(id, "wait"), reply.hasPrefix("exited "), let code = Int32(reply.dropFirst(7)) {
            return code
        }
        return try inspect(id).exitCode ?? 0
    }

    /// Removes everything: stops (force) or refuses (running), then kills leftovers through the cgroup, removes
    /// the cgroup, the socket and the state directory. Works when the supervisor was SIGKILLed.
    public func remove(_ id: String, force: Bool = false) throws(ContainerStoreError) {
        let spec = try config(id)
        let state = try inspect(id)
        if state.isActive {
            guard force else { throw .failed("remove \(spec.container.name)", "container is running: stop it first") }
            _ = try? request(id, "stop SIGKILL 0")
        }
        try reapOrphan(spec)
        unlink(spec.controlSocket)
        do { try FileSystem.removeTree(directory(id)) } catch {
            throw .failed("remove state of \(spec.container.name)", "\(error)")
        }
    }

    /// Kills whatever is left in the container's cgroup (its supervisor may be gone) and removes the cgroup.
    private func reapOrphan(_ spec: SupervisorSpec) throws(ContainerStoreError) {
        if let supervisor = (try? inspect(spec.container.id))?.supervisorPid, isSupervisorAlive(supervisor, spec) {
            Glibc.kill(supervisor, SIGKILL)
        }
        guard let placement = spec.cgroup else { return }
        let cgroup = Cgroups.manager(for: placement)
        _ = cgroup.killAll(timeout: 5)
        do { try cgroup.destroy() } catch { throw .failed("remove cgroup of \(spec.container.name)", "\(error)") }
    }

    /// The state file checked against the kernel: an active state whose supervisor is gone reads as dead.
    public func inspect(_ id: String) throws(ContainerStoreError) -> ContainerState {
        let spec = try config(id)
        guard var state = try? StateFiles.read(ContainerState.self, from: StateFiles.state(directory(id))) else {
            throw .notFound(id)
        }
        if state.isActive, !(state.supervisorPid.map { isSupervisorAlive($0, spec) } ?? false) {
            state.status = .dead
        }
        return state
    }

    public func list() -> [ContainerState] {
        ((try? FileSystem.contents(of: root.containers)) ?? []).filter { !$0.hasPrefix(".") }.sorted().compactMap { try? inspect($0) }
    }

    /// Removes what a killed `create` left for `project`; call while holding the project's lock.
    public func sweepIncomplete(project: String) {
        for name in (try? FileSystem.contents(of: root.containers)) ?? [] where name.hasPrefix(".creating-\(project)-") {
            try? FileSystem.removeTree("\(root.containers)/\(name)")
        }
    }

    public func logs(_ id: String, since: Double? = nil, until: Double? = nil, tail: Int? = nil) throws(ContainerStoreError) -> [LogEntry] {
        let spec = try config(id)
        do { return try LogReader.read(path: spec.logPath, since: since, until: until, tail: tail) } catch {
            throw .failed("read logs of \(spec.container.name)", "\(error)")
        }
    }

    /// Spawns `__exec` with the given descriptors as its stdio; the caller waits on the returned pid
    /// (its exit status is the command's).
    public func exec(
        _ id: String, command: [String], user: String? = nil, workdir: String? = nil, env: [String] = [],
        privileged: Bool = false, tty: Bool = false, stdio: [Int32: FileDescriptor] = [:]
    ) throws(ContainerStoreError) -> pid_t {
        var arguments = ["swcompose", "__exec", directory(id)]
        if privileged { arguments.append("--privileged") }
        if tty { arguments.append("--tty") }
        if let user { arguments += ["--user", user] }
        if let workdir { arguments += ["--workdir", workdir] }
        for entry in env { arguments += ["--env", entry] }
        arguments += ["--"] + command
        return try spawnHelper(arguments, stdio: stdio, for: "exec in \(id)")
    }

    /// Spawns `__attach` on this process's stdio: PID 1's output until it exits (or the detach keys), our input
    /// to its stdin unless `stdin` is false. The helper's exit status is the container's.
    /// `justStarted`: the caller started the container, which may already have ended; its log stands in then.
    public func attach(
        _ id: String, stdin: Bool = true, signalProxy: Bool = true, detachKeys: String? = nil, justStarted: Bool = false
    ) throws(ContainerStoreError) -> pid_t {
        var arguments = ["swcompose", "__attach", directory(id)]
        if !stdin { arguments.append("--no-stdin") }
        if !signalProxy { arguments.append("--no-sig-proxy") }
        if justStarted { arguments.append("--just-started") }
        if let detachKeys { arguments += ["--detach-keys", detachKeys] }
        return try spawnHelper(arguments, stdio: [:], for: "attach to \(id)")
    }

    /// A hidden mode of our binary with this process's stdio, `stdio` replacing some of it.
    private func spawnHelper(_ arguments: [String], stdio: [Int32: FileDescriptor], for what: String) throws(ContainerStoreError) -> pid_t {
        var spawn = Spawn(executable: executable, arguments: arguments)
        spawn.descriptors = [0: .standardInput, 1: .standardOutput, 2: .standardError].merging(stdio) { $1 }
        do { return try spawn.run() } catch { throw .failed(what, "\(error)") }
    }

    private func request(_ id: String, _ line: String) throws(ContainerStoreError) -> String {
        do { return try ControlClient.request(socketPath(id), line) } catch { throw .notRunning(id, "\(error)") }
    }

    private func isSupervisorAlive(_ pid: pid_t, _ spec: SupervisorSpec) -> Bool {
        guard Process.exists(pid), ProcFS.state(of: pid) != "Z" else { return false }
        // A recycled pid would not have our socket open; the socket file existing is the cheap check.
        return FileSystem.exists(spec.controlSocket)
    }
}

public enum ContainerStoreError: Error, Sendable, CustomStringConvertible {
    case notFound(String)
    case alreadyExists(String)
    case notRunning(String, String)
    case startFailed(String, String)
    /// Another supervisor already looks after this container (a killed command's, for instance).
    case alreadyRunning(String)
    case failed(String, String)

    public var description: String {
        switch self {
        case .notFound(let id): "no such container: \(id)"
        case .alreadyExists(let id): "container \(id) already exists"
        case .notRunning(let id, let detail): "container \(id) is not running (\(detail))"
        case .startFailed(let name, let message): "start \(name): \(message)"
        case .alreadyRunning(let name): "start \(name): already running"
        case .failed(let what, let detail): "\(what): \(detail)"
        }
    }
}
