import Cgroups
import FoundationEssentials
import Glibc
import Linux
import Runtime

/// The `__supervise` process: one per container, single-threaded for life, driven by one epoll loop.
/// It owns PID 1 (and each restart), the log, the state file, the healthcheck and the control socket.
final class ContainerSupervisor {
    /// fd 3: the spec (JSON, until EOF). fd 4: one status line back ("started <pid>" or an error).
    static let specDescriptor = FileDescriptor(rawValue: 3)
    static let statusDescriptor = FileDescriptor(rawValue: 4)

    let spec: SupervisorSpec
    let loop: EventLoop
    let cgroup: (any CgroupManager)?
    let log: LogWriter
    let launcher: ContainerLauncher
    let signals: SignalDescriptor
    let restartTimer: Timer
    let stopTimer: Timer
    var health: HealthMonitor?
    let network: ContainerNetwork?

    var state: ContainerState
    var container: RunningContainer?
    var outputs: [FileDescriptor: String] = [:]
    var stopRequested = false
    var backoff = 0.1
    var startedMonotonic = 0.0
    /// The cgroup's OOM-kill count when this run started: only kills during the run count.
    var oomKillsAtStart = 0
    /// Control connections waiting for the container to exit ("stop", "wait").
    var waiters: [FileDescriptor] = []
    /// Held from start to clean-up: released before `stop` is answered, so a start right after it finds it free.
    var lock: FileLock?
    var pendingRequests: [FileDescriptor: [UInt8]] = [:]
    var finished = false
    /// Attach clients by connection; see ContainerSupervisor+Attach.swift.
    var attachments: [FileDescriptor: AttachClient] = [:]
    /// Where attach input goes: the stdin pipe's write end or the pty controller (nil without `stdin_open`).
    var stdinSink: FileDescriptor?
    var stdinBacklog: [UInt8] = []
    var closeStdinWhenFlushed = false
    /// PID 1's pty controller while it runs with `tty`.
    var terminal: FileDescriptor?
    /// Output frames kept for the first attach client (`replayOutput`); nil once taken or when not wanted.
    var replay: [UInt8]?

    static func main() -> Int32 {
        Process.setSession()
        // Detach from the spawner: it reaps this intermediate, the supervisor is re-parented to init.
        if (try? Clone.fork { ContainerSupervisor.run() }) != nil { return 0 }
        try? statusDescriptor.writeAll("cannot fork the supervisor\n")
        return 1
    }

    /// The status line of a supervisor that found another one holding the container.
    static let alreadySupervised = "already supervised"

    private static func run() -> Int32 {
        let spec: SupervisorSpec
        do {
            let bytes = try specDescriptor.readAll()
            specDescriptor.closeQuietly()
            spec = try JSONDecoder().decode(SupervisorSpec.self, from: Data(bytes))
        } catch {
            try? statusDescriptor.writeAll("read supervisor spec: \(error)\n")
            return 1
        }
        // One supervisor per container for its whole life: a second one (two racing starts) stops here.
        let lock: FileLock?
        do { lock = try FileLock.tryAcquire(spec.stateDir + "/supervisor.lock") } catch {
            try? statusDescriptor.writeAll("\(spec.container.name): lock state: \(error)\n")
            return 1
        }
        guard let lock else {
            try? statusDescriptor.writeAll(alreadySupervised + "\n")
            return 1
        }
        do {
            // The supervisor gives the lock up as soon as the container is cleaned up.
            let supervisor = try ContainerSupervisor(spec: spec, lock: lock)
            return supervisor.serve()
        } catch {
            lock.release()
            try? statusDescriptor.writeAll("\(spec.container.name): \(error)\n")
            return 1
        }
    }

    init(spec: SupervisorSpec, lock: FileLock) throws {
        self.spec = spec
        self.lock = lock
        try ProcessControl.setChildSubreaper()
        try ProcessControl.setDumpable(false)
        Signals.ignore(SIGPIPE)
        let handled = SignalSet([SIGCHLD, SIGTERM, SIGINT, SIGHUP])
        try Signals.block(handled)
        signals = try SignalDescriptor(handled)
        loop = try EventLoop()
        restartTimer = try Timer()
        stopTimer = try Timer()
        log = try LogWriter(path: spec.logPath)
        launcher = ContainerLauncher(spec: spec.container)
        let loop = self.loop
        network = spec.network.map { ContainerNetwork(plan: $0, loop: loop, stateDir: spec.stateDir) }
        if let placement = spec.cgroup {
            var container = spec.container
            try container.resolveDeviceRules()
            let manager = Cgroups.manager(for: placement)
            try manager.create(container.limits)
            cgroup = manager
        } else {
            cgroup = nil
        }
        state = (try? StateFiles.read(ContainerState.self, from: StateFiles.state(spec.stateDir)))
            ?? ContainerState(id: spec.container.id, name: spec.container.name, project: spec.container.project)
        state.supervisorPid = getpid()
        state.error = nil
        replay = spec.replayOutput ? [] : nil
    }

    /// Starts the container, reports to the spawner, then runs the loop until no restart is due.
    func serve() -> Int32 {
        do {
            // Listening before "started" is reported: a client may send "stop" the moment start returns.
            let listener = try UnixSocket.listen(path: spec.controlSocket)
            try loop.register(listener) { [unowned self] _ in self.accept(listener) }
            try loop.register(signals.fd) { [unowned self] _ in self.handleSignals() }
            try loop.register(restartTimer.fd) { [unowned self] _ in
                self.restartTimer.acknowledge()
                self.restart()
            }
            try loop.register(stopTimer.fd) { [unowned self] _ in
                self.stopTimer.acknowledge()
                // The grace period is over: SIGKILL on PID 1 takes down its whole PID namespace.
                if let pid = self.container?.pid { kill(pid, SIGKILL) }
                _ = self.cgroup?.killAll(timeout: 1)
            }
            try start()
            if let check = spec.healthcheck, check.command != nil {
                health = try HealthMonitor(supervisor: self, check: check)
            }
        } catch {
            state.status = .exited
            state.error = "\(error)"
            if case .setup(_, let code) = error as? LaunchError { state.exitCode = code } else { state.exitCode = 125 }
            state.finishedAt = Clock.now()
            saveState()
            try? Self.statusDescriptor.writeAll("\(error)\n")
            cleanUp()
            return 1
        }
        try? Self.statusDescriptor.writeAll("started \(container?.pid ?? 0)\n")
        Self.statusDescriptor.closeQuietly()
        // From here on the loop runs a small part of the binary: the resident set shrinks to that part.
        try? ProcessControl.releaseCodePages()
        do {
            try loop.run()
        } catch {
            state.error = "supervisor: \(error)"
            saveState()
        }
        cleanUp()
        return 0
    }

    // MARK: Container lifecycle

    func start() throws(LaunchError) {
        let stdio = try openStdio()
        let result = Result { () throws(LaunchError) -> RunningContainer in
            try launcher.launch(stdio: stdio.container, terminal: spec.container.process.tty, cgroup: cgroup) { [network] pid in
                try network?.prepare(containerPid: pid)
            }
        }
        // Our copies of the container's ends must go, or its pipes never reach EOF.
        for fd in stdio.containerSide { fd.closeQuietly() }
        let running: RunningContainer
        switch result {
        case .success(let value): running = value
        case .failure(let error):
            for fd in stdio.ours { fd.closeQuietly() }
            throw error
        }
        container = running
        startedMonotonic = Clock.monotonic()
        oomKillsAtStart = cgroup?.oomKillCount() ?? 0
        var streams = stdio.outputs
        if let controller = running.terminal {
            try? controller.setNonBlocking()
            terminal = controller
            streams = [(controller, "stdout")]
        }
        stdinSink = spec.stdinOpen ? running.terminal ?? stdio.stdinWriter : nil
        for (fd, stream) in streams {
            outputs[fd] = stream
            try? loop.register(fd) { [unowned self] events in
                if events.contains(.writable) { self.flushStdin() }
                self.drain(fd)
            }
        }
        state.status = .running
        state.pid = running.pid
        state.startedAt = Clock.now()
        state.finishedAt = nil
        state.exitCode = nil
        state.oomKilled = false
        if spec.healthcheck?.command != nil { state.health = HealthState() }
        saveState()
        health?.containerStarted()
    }

    /// PID 1's stdio and our ends of it.
    private struct Stdio {
        var container: ContainerStdio
        /// The container's ends, closed here once it holds them.
        var containerSide: [FileDescriptor]
        /// Output pipes' read ends by stream name; empty with a tty (the launcher returns the pty's controller).
        var outputs: [(FileDescriptor, String)] = []
        var stdinWriter: FileDescriptor?
        var ours: [FileDescriptor] { outputs.map(\.0) + (stdinWriter.map { [$0] } ?? []) }
    }

    /// Two output pipes and /dev/null (or, with `stdin_open`, a pipe) for stdin. With a tty, /dev/null holds the
    /// places until PID 1 swaps in its pty.
    private func openStdio() throws(LaunchError) -> Stdio {
        var opened: [FileDescriptor] = []
        do throws(Errno) {
            let devNull = try FileDescriptor.open("/dev/null", .readWrite)
            opened.append(devNull)
            if spec.container.process.tty {
                return Stdio(container: ContainerStdio(input: devNull, output: devNull, error: devNull), containerSide: [devNull])
            }
            let out = try FileDescriptor.pipe()
            opened += [out.read, out.write]
            let err = try FileDescriptor.pipe()
            opened += [err.read, err.write]
            try out.read.setNonBlocking()
            try err.read.setNonBlocking()
            var stdio = Stdio(container: ContainerStdio(input: devNull, output: out.write, error: err.write),
                              containerSide: [devNull, out.write, err.write],
                              outputs: [(out.read, "stdout"), (err.read, "stderr")])
            if spec.stdinOpen {
                let input = try FileDescriptor.pipe()
                opened += [input.read, input.write]
                try input.write.setNonBlocking()
                stdio.container.input = input.read
                stdio.containerSide.append(input.read)
                stdio.stdinWriter = input.write
            }
            return stdio
        } catch {
            for fd in opened { fd.closeQuietly() }
            throw .system("create the stdio of \(spec.container.name)", error)
        }
    }

    private func restart() {
        guard !stopRequested else { return finish() }
        state.restartCount += 1
        do {
            try start()
        } catch {
            state.error = "\(error)"
            exited(code: 125, oom: false)
        }
    }

    /// PID 1 is gone: record it and decide between a restart (after back-off) and ending.
    private func exited(code: Int32, oom: Bool) {
        container?.pidfd.closeQuietly()
        container = nil
        // Whatever is still in the pipes belongs to this run.
        for fd in Array(outputs.keys) { drain(fd) }
        closeStdin()
        terminal.map(closeOutput)
        health?.containerStopped()
        state.pid = nil
        state.exitCode = code
        state.oomKilled = oom
        state.finishedAt = Clock.now()
        // docker resets the back-off once a run has lasted 10 seconds.
        if Clock.monotonic() - startedMonotonic >= 10 { backoff = 0.1 }
        if !stopRequested && spec.restart.shouldRestart(exitCode: code, restartCount: state.restartCount) {
            state.status = .restarting
            saveState()
            try? restartTimer.arm(after: backoff)
            backoff = min(backoff * 2, 60)
        } else {
            state.status = .exited
            saveState()
            finish()
        }
        endAttachments(exitCode: code)
    }

    private func finish() {
        try? stopTimer.disarm()
        // Before the reply: `down` removes the container (killing this supervisor) and its networks as soon as
        // `stop` returns, which would cut the release of its DNS names and addresses short; `restart` starts a
        // new supervisor at once, which needs the lock.
        cleanUp()
        for waiter in waiters { reply(waiter, "exited \(state.exitCode ?? 0)") }
        waiters = []
        finished = true
        loop.stop()
    }

    /// Once: the network, the cgroup, the socket, then the lock.
    private func cleanUp() {
        guard let lock else { return }
        network?.release()
        if let cgroup, !spec.keepResources {
            _ = cgroup.killAll(timeout: 5)
            try? cgroup.destroy()
        }
        unlink(spec.controlSocket)
        lock.release()
        self.lock = nil
    }

    func saveState() {
        try? StateFiles.write(state, to: StateFiles.state(spec.stateDir))
    }

    // MARK: Events

    private func drain(_ fd: FileDescriptor) {
        guard let stream = outputs[fd] else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd.rawValue, $0.baseAddress, $0.count) }
            if count > 0 {
                log.append(buffer[0..<count], stream: stream)
                forward(.output(Array(buffer[0..<count]), stream: stream))
                continue
            }
            if count == -1 && (errno == EAGAIN || errno == EINTR) { return }
            // EOF (EIO for a pty): every writer in the container has closed this stream.
            return closeOutput(fd)
        }
    }

    private func closeOutput(_ fd: FileDescriptor) {
        guard let stream = outputs.removeValue(forKey: fd) else { return }
        log.flush(stream: stream)
        loop.unregister(fd)
        if stdinSink == fd { stdinSink = nil }
        if terminal == fd { terminal = nil }
        fd.closeQuietly()
    }

    private func handleSignals() {
        while let signal = try? signals.next() {
            switch signal {
            case SIGCHLD: reap()
            default: stop(signal: Signals.number(named: spec.stopSignal) ?? SIGTERM, grace: spec.stopGracePeriod)
            }
        }
    }

    private func reap() {
        while let (pid, status) = try? Process.wait(-1, noHang: true) {
            if pid == container?.pid {
                let oom = (cgroup?.oomKillCount() ?? 0) > oomKillsAtStart && status == .signaled(SIGKILL)
                exited(code: status.code, oom: oom)
            } else {
                health?.reaped(pid: pid, status: status)
            }
        }
    }

    func stop(signal: Int32, grace: Double) {
        stopRequested = true
        guard let pid = container?.pid else {
            // Waiting to restart: it stays down.
            try? restartTimer.disarm()
            if state.status == .restarting {
                state.status = .exited
                saveState()
            }
            return finish()
        }
        try? cgroup?.thaw()
        kill(pid, signal)
        try? stopTimer.arm(after: max(grace, 0.001))
    }

    // MARK: Control socket: one request line per connection, one reply line.

    private func accept(_ listener: FileDescriptor) {
        guard let connection = try? UnixSocket.accept(listener) else { return }
        try? connection.setNonBlocking()
        pendingRequests[connection] = []
        try? loop.register(connection) { [unowned self] _ in self.readRequest(connection) }
    }

    private func readRequest(_ connection: FileDescriptor) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(connection.rawValue, $0.baseAddress, $0.count) }
        if count == -1 && errno == EAGAIN { return }
        if count <= 0 { return close(connection) }
        pendingRequests[connection, default: []].append(contentsOf: buffer[0..<count])
        guard let newline = pendingRequests[connection]?.firstIndex(of: UInt8(ascii: "\n")) else { return }
        let line = String(decoding: pendingRequests[connection]![..<newline], as: UTF8.self)
        pendingRequests[connection] = nil
        handle(line.split(separator: " ").map(String.init), connection)
    }

    private func handle(_ words: [String], _ connection: FileDescriptor) {
        switch words.first {
        case "status":
            let json = (try? JSONEncoder().encode(state)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            reply(connection, json)
        case "kill":
            let signal = words.count > 1 ? Signals.number(named: words[1]) ?? SIGKILL : SIGKILL
            if let pid = container?.pid {
                kill(pid, signal)
                reply(connection, "ok")
            } else {
                reply(connection, "error container \(spec.container.name) is not running")
            }
        case "stop":
            let signal = words.count > 1 ? Signals.number(named: words[1]) : nil
            let grace = words.count > 2 ? Double(words[2]) : nil
            waiters.append(connection)
            stop(signal: signal ?? Signals.number(named: spec.stopSignal) ?? SIGTERM, grace: grace ?? spec.stopGracePeriod)
        case "wait":
            waiters.append(connection)
        case "attach":
            attach(connection, sendsInput: words.contains("stdin"))
        case "pause":
            reply(connection, freeze(true))
        case "unpause":
            reply(connection, freeze(false))
        default:
            reply(connection, "error unknown request \(words.first ?? "")")
        }
    }

    private func freeze(_ on: Bool) -> String {
        guard let cgroup else { return "error no cgroup" }
        do {
            if on { try cgroup.freeze() } else { try cgroup.thaw() }
            state.status = on ? .paused : .running
            saveState()
            return "ok"
        } catch {
            return "error \(error)"
        }
    }

    func reply(_ connection: FileDescriptor, _ line: String) {
        try? connection.setNonBlocking(false)
        try? connection.writeAll(line + "\n")
        close(connection)
    }

    func close(_ connection: FileDescriptor) {
        loop.unregister(connection)
        waiters.removeAll { $0 == connection }
        pendingRequests[connection] = nil
        connection.closeQuietly()
    }
}
