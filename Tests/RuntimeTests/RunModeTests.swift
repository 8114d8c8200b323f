import Glibc
import Linux
import Testing

/// The runtime through `swcompose __run`: one container in the foreground on a busybox rootfs.
@Suite(.serialized) struct RunModeTests {
    let environment: TestEnvironment
    init() throws { environment = try TestEnvironment() }

    private func run(_ options: [String] = [], _ script: String) throws -> TestEnvironment.Output {
        let output = try environment.runContainer(options, ["/bin/sh", "-c", script])
        // Every run removes its own cgroup; the id is swc-run-<pid of __run>.
        #expect(cgroupDirectories(containing: "swc-run-\(output.pid)").isEmpty)
        return output
    }

    @Test func commandIsPidOneAndSeesOnlyItsOwnProcesses() throws {
        defer { environment.cleanUp() }
        let output = try run(["--hostname", "swc-web"], "echo $$; hostname; ps -o pid")
        #expect(output.status == .exited(0), "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map { $0.filter { $0 != " " } }
        #expect(Array(lines.prefix(3)) == ["1", "swc-web", "PID"])
        // Only the shell, ps and nothing from the host: every pid is tiny.
        #expect(lines.dropFirst(3).allSatisfy { (Int($0) ?? 1000) < 10 }, "\(lines)")
    }

    @Test func mountIsDeniedWithoutSysAdmin() throws {
        defer { environment.cleanUp() }
        let output = try run([], "mount -t tmpfs none /tmp")
        #expect(output.status != .exited(0))
        #expect(output.stderr.contains("denied"))
    }

    @Test func capabilitiesAreDockersDefaultSet() throws {
        defer { environment.cleanUp() }
        let output = try run([], "grep -E '^Cap(Eff|Bnd)' /proc/self/status")
        #expect(output.stdout == "CapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\n")
    }

    @Test func kernelFilesAreMasked() throws {
        defer { environment.cleanUp() }
        let masked = ["/proc/kcore", "/proc/keys", "/proc/timer_list"].filter {
            !((try? FileSystem.readFile($0).isEmpty) ?? true)
        }
        #expect(!masked.isEmpty, "the host should have at least one non-empty masked file")
        let output = try run([], masked.map { "cat \($0) | wc -c" }.joined(separator: "; "))
        #expect(output.stdout.split(separator: "\n").allSatisfy { $0.filter { $0 != " " } == "0" }, "\(output.stdout)")
        let write = try run([], "echo 1 > /proc/sys/kernel/ns_last_pid")
        #expect(write.status != .exited(0))
    }

    /// 1:11 is /dev/kmsg: opening it for writing needs no capability, so only the devices cgroup can refuse it.
    static let probeDevices = """
        mknod /tmp/kmsg c 1 11 || exit 9
        for node in /tmp/kmsg /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/ptmx; do
            if error=$( (: > $node) 2>&1 ); then echo "$node open"; else echo "$node $error"; fi
        done
        head -c 4 /dev/zero | wc -c
        """

    @Test func containerOpensOnlyDockersDefaultDevices() throws {
        defer { environment.cleanUp() }
        let output = try run([], Self.probeDevices)
        #expect(output.status == .exited(0), "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n")
        // mknod itself is allowed (docker's "c *:* m"); opening the node is not.
        #expect(lines.first?.hasPrefix("/tmp/kmsg ") == true && lines.first?.hasSuffix("Operation not permitted") == true,
                "\(output.stdout)")
        #expect(Array(lines.dropFirst()) == [
            "/dev/null open", "/dev/zero open", "/dev/full open", "/dev/random open", "/dev/urandom open",
            "/dev/ptmx open", "4",
        ])
    }

    @Test func privilegedContainerOpensAnyDevice() throws {
        defer { environment.cleanUp() }
        let output = try run(["--privileged"], Self.probeDevices)
        #expect(output.status == .exited(0), "\(output.stderr)")
        #expect(output.stdout.split(separator: "\n").first == "/tmp/kmsg open", "\(output.stdout)")
    }

    @Test func userNobodyRunsAs65534() throws {
        defer { environment.cleanUp() }
        let output = try run(["--user", "nobody"], "id -u; id -g; grep CapEff /proc/self/status")
        #expect(output.stdout == "65534\n65534\nCapEff:\t0000000000000000\n", "\(output.stderr)")
    }

    @Test func unknownCommandExits127() throws {
        defer { environment.cleanUp() }
        let output = try environment.runContainer([], ["no-such-command"])
        #expect(output.status == .exited(127))
        #expect(output.stderr.contains("executable file not found"))
    }

    @Test func memoryLimitKillsAllocatorWithOOM() throws {
        defer { environment.cleanUp() }
        let output = try run(["--memory", "\(32 << 20)"], "exec tail /dev/zero")
        #expect(output.status == .exited(137))
        #expect(output.stderr.contains("OOMKilled"))
    }

    @Test func pidsLimitStopsForkBomb() throws {
        defer { environment.cleanUp() }
        let script = "for i in $(seq 1 30); do sleep 1 & done; wait"
        let limited = try run(["--pids", "8"], script)
        #expect(limited.stderr.contains("can't fork"))
        let unlimited = try run([], script)
        #expect(unlimited.status == .exited(0) && unlimited.stderr.isEmpty, "\(unlimited.stderr)")
    }

    @Test func readOnlyRootfsRejectsWrites() throws {
        defer { environment.cleanUp() }
        let output = try run(["--read-only"], "touch /etc/x")
        #expect(output.status != .exited(0))
        #expect(output.stderr.contains("Read-only"))
    }
}
