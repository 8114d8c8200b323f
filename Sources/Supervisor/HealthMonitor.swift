import Glibc
import Linux
import Runtime

/// Runs the healthcheck inside the container every `interval` and keeps docker's health state:
/// starting → healthy on a success; unhealthy after `retries` consecutive failures (not counted during
/// `start_period` while still starting).
final class HealthMonitor {
    unowned let supervisor: ContainerSupervisor
    let check: Healthcheck
    let command: [String]
    let interval: Timer
    let timeout: Timer
    var probe: (pid: pid_t, start: Double)?
    var output: FileDescriptor?
    var captured: [UInt8] = []
    var startedMonotonic = 0.0
    static let maxOutput = 4096

    init(supervisor: ContainerSupervisor, check: Healthcheck) throws(Errno) {
        self.supervisor = supervisor
        self.check = check
        command = check.command ?? []
        interval = try Timer()
        timeout = try Timer()
        try supervisor.loop.register(interval.fd) { [unowned self] _ in
            self.interval.acknowledge()
            self.runProbe()
        }
        try supervisor.loop.register(timeout.fd) { [unowned self] _ in
            self.timeout.acknowledge()
            self.timedOut()
        }
        if supervisor.container != nil { containerStarted() }
    }

    func containerStarted() {
        startedMonotonic = Clock.monotonic()
        try? interval.arm(after: check.interval, interval: check.interval)
    }

    func containerStopped() {
        try? interval.disarm()
        try? timeout.disarm()
        if let probe { kill(probe.pid, SIGKILL) }
    }

    private func runProbe() {
        guard probe == nil, let container = supervisor.container else { return }
        var process = supervisor.spec.container.process
        process.args = command
        let pipe: (read: FileDescriptor, write: FileDescriptor)
        let devNull: FileDescriptor
        do {
            pipe = try FileDescriptor.pipe()
            devNull = try FileDescriptor.open("/dev/null", .readOnly)
        } catch {
            return record(exitCode: -1, output: "start healthcheck: \(error)")
        }
        defer {
            pipe.write.closeQuietly()
            devNull.closeQuietly()
        }
        do {
            let pid = try ContainerJoin.spawn(
                into: container.pid, spec: supervisor.spec.container, process: process, cgroup: supervisor.cgroup,
                stdio: ContainerStdio(input: devNull, output: pipe.write, error: pipe.write))
            probe = (pid, Clock.now())
        } catch {
            pipe.read.closeQuietly()
            return record(exitCode: -1, output: "\(error)")
        }
        try? pipe.read.setNonBlocking()
        output = pipe.read
        captured = []
        try? supervisor.loop.register(pipe.read) { [unowned self] _ in self.readOutput() }
        try? timeout.arm(after: check.timeout)
    }

    private func readOutput() {
        guard let output else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(output.rawValue, $0.baseAddress, $0.count) }
            if count > 0 {
                captured.append(contentsOf: buffer[0..<min(count, max(0, Self.maxOutput - captured.count))])
                continue
            }
            if count == -1 && errno == EAGAIN { return }
            closeOutput()
            return
        }
    }

    private func closeOutput() {
        guard let output else { return }
        supervisor.loop.unregister(output)
        output.closeQuietly()
        self.output = nil
    }

    func reaped(pid: pid_t, status: ExitStatus) {
        guard let probe, probe.pid == pid else { return }
        readOutput()
        closeOutput()
        try? timeout.disarm()
        self.probe = nil
        record(exitCode: status.code, output: String(decoding: captured, as: UTF8.self), start: probe.start)
    }

    private func timedOut() {
        guard let probe else { return }
        kill(probe.pid, SIGKILL)
        closeOutput()
        self.probe = nil
        record(exitCode: -1, output: "Health check exceeded timeout (\(check.timeout)s)", start: probe.start)
    }

    private func record(exitCode: Int32, output: String, start: Double? = nil) {
        var health = supervisor.state.health ?? HealthState()
        health.log.append(HealthProbe(start: start ?? Clock.now(), end: Clock.now(), exitCode: exitCode, output: output))
        if health.log.count > 5 { health.log.removeFirst(health.log.count - 5) }
        if exitCode == 0 {
            health.status = .healthy
            health.failingStreak = 0
        } else {
            let inStartPeriod = Clock.monotonic() - startedMonotonic < check.startPeriod
            if !(inStartPeriod && health.status == .starting) {
                health.failingStreak += 1
                if health.failingStreak >= check.retries { health.status = .unhealthy }
            }
        }
        supervisor.state.health = health
        supervisor.saveState()
    }
}
