import Glibc
import Linux
import Runtime
import Supervisor
import Testing

/// Containers under a real supervisor, driven through `ContainerStore` like the reconciler does.
@Suite(.serialized) struct ContainerStoreTests {
    let environment: TestEnvironment
    let store: ContainerStore

    init() throws {
        environment = try TestEnvironment()
        store = ContainerStore(root: environment.stateRoot, executable: TestEnvironment.binary)
    }

    private func spec(_ id: String, _ script: String, configure: (inout SupervisorSpec) -> Void = { _ in }) -> SupervisorSpec {
        var container = ContainerSpec(
            id: id, name: id, project: "swctest", rootfs: .directory(environment.rootfs),
            process: ProcessSpec(args: ["/bin/sh", "-c", script], env: ["PATH=/bin:/usr/bin:/sbin:/usr/sbin"]))
        container.hostname = id
        var spec = SupervisorSpec(container: container)
        spec.stopGracePeriod = 1
        configure(&spec)
        return spec
    }

    private func uniqueID(_ name: String) -> String { "swc\(getpid())\(name)" }

    /// After removal nothing of the container may remain: state, cgroups, processes, socket.
    private func expectGone(_ id: String, pids: [pid_t]) {
        #expect(!FileSystem.exists(store.directory(id)))
        #expect(!FileSystem.exists(store.socketPath(id)))
        #expect(cgroupDirectories(containing: id).isEmpty)
        for pid in pids { #expect(eventually(timeout: 5) { !Process.exists(pid) || ProcFS.state(of: pid) == "Z" }) }
        let mounts = (try? ProcFS.mounts()) ?? []
        #expect(!mounts.contains { $0.mountPoint.contains(id) || $0.mountPoint.hasPrefix(environment.rootfs) })
    }

    @Test func logsKeepStreamsApartInOrder() throws {
        defer { environment.cleanUp() }
        let id = uniqueID("logs")
        try store.create(spec(id, "echo one; sleep 0.1; echo two >&2; sleep 0.1; printf three"))
        defer { try? store.remove(id, force: true) }
        try store.start(id)
        #expect(try store.wait(id) == 0)
        let entries = try store.logs(id).map { "\($0.stream):\($0.text)" }
        #expect(entries == ["stdout:one", "stderr:two", "stdout:three"])
        #expect(try store.logs(id, tail: 1).map(\.text) == ["three"])
        let state = try store.inspect(id)
        #expect(state.status == .exited && state.exitCode == 0)
        try store.remove(id)
        expectGone(id, pids: [state.supervisorPid ?? 0])
    }

    @Test func stopHonoursSigtermThenFallsBackToSigkill() throws {
        defer { environment.cleanUp() }
        let polite = uniqueID("term")
        try store.create(spec(polite, "trap 'exit 3' TERM; echo ready; while true; do sleep 0.05; done"))
        defer { try? store.remove(polite, force: true) }
        try store.start(polite)
        // The trap must be in place before the signal, or PID 1 simply ignores SIGTERM.
        #expect(eventually { (try? store.logs(polite).map(\.text)) == ["ready"] })
        var begin = monotonic()
        try store.stop(polite, timeout: 5)
        #expect(monotonic() - begin < 2)
        let politeState = try store.inspect(polite)
        #expect(politeState.exitCode == 3, "\(politeState)")

        let stubborn = uniqueID("kill")
        try store.create(spec(stubborn, "trap '' TERM; while true; do sleep 0.05; done"))
        defer { try? store.remove(stubborn, force: true) }
        let pid = try store.start(stubborn)
        begin = monotonic()
        try store.stop(stubborn, timeout: 1)
        let elapsed = monotonic() - begin
        #expect(elapsed >= 0.9 && elapsed < 4, "stop took \(elapsed)s")
        let stopped = try store.inspect(stubborn)
        #expect(stopped.exitCode == 137, "\(stopped)")
        #expect(!Process.exists(pid))
    }

    @Test func restartPolicyCountsRestarts() throws {
        defer { environment.cleanUp() }
        let id = uniqueID("restart")
        try store.create(spec(id, "echo run; exit 4") { $0.restart = .onFailure(maxRetries: 2) })
        defer { try? store.remove(id, force: true) }
        try store.start(id)
        #expect(try store.wait(id) == 4)
        let state = try store.inspect(id)
        #expect(state.restartCount == 2)
        #expect(state.status == .exited)
        #expect(try store.logs(id).filter { $0.text == "run" }.count == 3)
    }

    @Test func healthcheckGoesStartingHealthyUnhealthy() throws {
        defer { environment.cleanUp() }
        let id = uniqueID("health")
        try store.create(spec(id, "sleep 1; touch /tmp/ok; sleep 2; rm /tmp/ok; sleep 60") {
            $0.healthcheck = Healthcheck(test: ["CMD-SHELL", "test -f /tmp/ok"], interval: 0.2, timeout: 2, retries: 2)
        })
        defer { try? store.remove(id, force: true) }
        try store.start(id)
        #expect(try store.inspect(id).health?.status == .starting)
        #expect(eventually { (try? store.inspect(id).health?.status) == .healthy })
        #expect(eventually { (try? store.inspect(id).health?.status) == .unhealthy })
        #expect(try store.inspect(id).health?.failingStreak ?? 0 >= 2)
    }

    @Test func execRunsInsideTheContainer() throws {
        defer { environment.cleanUp() }
        let id = uniqueID("exec")
        try store.create(spec(id, "sleep 60"))
        defer { try? store.remove(id, force: true) }
        try store.start(id)
        let outPath = environment.directory + "/exec.out"
        let out = try FileDescriptor.open(outPath, [.writeOnly, .create])
        let pid = try store.exec(id, command: ["/bin/sh", "-c", "hostname; echo $$; id -u"], user: "nobody", stdio: [1: out])
        out.closeQuietly()
        #expect(try Process.wait(pid)?.status == .exited(0))
        let lines = try FileSystem.readString(outPath).split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines[0] == id && lines[2] == "65534", "\(lines)")
        #expect(Int(lines.count > 1 ? lines[1] : "") ?? 1000 < 100, "exec'd process should be in the container's pid namespace")
    }

    @Test func removeCleansUpAfterSupervisorWasKilled() throws {
        defer { environment.cleanUp() }
        let id = uniqueID("orphan")
        try store.create(spec(id, "sleep 60"))
        defer { try? store.remove(id, force: true) }
        let containerPid = try store.start(id)
        let supervisor = try #require(try store.inspect(id).supervisorPid)
        kill(supervisor, SIGKILL)
        #expect(eventually { (try? store.inspect(id).status) == .dead })
        #expect(Process.exists(containerPid))
        try store.remove(id, force: true)
        expectGone(id, pids: [containerPid, supervisor])
    }

    @Test func overlayRootfsWritesGoToUpperDir() throws {
        defer { environment.cleanUp() }
        let id = uniqueID("overlay")
        let base = environment.directory + "/layers"
        for dir in ["upper", "work", "merged"] { try FileSystem.createDirectory("\(base)/\(dir)") }
        try store.create(spec(id, "echo hi > /created; cat /etc/passwd | head -1") {
            $0.container.rootfs = .overlay(
                lowerDirs: [environment.rootfs], upperDir: base + "/upper", workDir: base + "/work", mergedDir: base + "/merged")
        })
        defer { try? store.remove(id, force: true) }
        try store.start(id)
        #expect(try store.wait(id) == 0)
        #expect(try FileSystem.readString(base + "/upper/created") == "hi\n")
        #expect(try store.logs(id).map(\.text) == ["root:x:0:0:root:/root:/bin/sh"])
        #expect(!FileSystem.exists(environment.rootfs + "/created"))
    }

    @Test func startFailureIsReported() throws {
        defer { environment.cleanUp() }
        let id = uniqueID("fail")
        var failing = spec(id, "")
        failing.container.process.args = ["/no/such/binary"]
        try store.create(failing)
        defer { try? store.remove(id, force: true) }
        #expect(throws: ContainerStoreError.self) { try store.start(id) }
        let state = try store.inspect(id)
        #expect(state.status == .exited && state.exitCode == 127)
        #expect(state.error?.contains("/no/such/binary") == true)
    }

    private func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
