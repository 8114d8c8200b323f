import Glibc
import Linux
import Testing

struct LinuxTests {
    @Test func signalNames() {
        #expect(Signals.number(named: "SIGTERM") == SIGTERM)
        #expect(Signals.number(named: "kill") == SIGKILL)
        #expect(Signals.number(named: "10") == 10)
        #expect(Signals.number(named: "SIGNOPE") == nil)
    }

    @Test func capabilityNames() throws {
        let set = try CapabilitySet(names: ["CAP_CHOWN", "net_admin"])
        #expect(set.rawValue == 1 | 1 << 12)
        #expect(set.names == ["CAP_CHOWN", "CAP_NET_ADMIN"])
        #expect(throws: CapabilityError.self) { try CapabilitySet(names: ["FLY"]) }
    }

    @Test func spawnRunsWithDescriptorsAndExitStatus() throws {
        let pipe = try FileDescriptor.pipe()
        var spawn = Spawn(executable: "/bin/sh", arguments: ["sh", "-c", "echo $0 hi >&3; exit 7"])
        spawn.descriptors = [3: pipe.write]
        let pid = try spawn.run()
        pipe.write.closeQuietly()
        let output = String(decoding: try pipe.read.readAll(), as: UTF8.self)
        pipe.read.closeQuietly()
        #expect(output == "sh hi\n")
        #expect(try Process.wait(pid)?.status == .exited(7))
    }

    @Test func unixSocketRoundTrip() throws {
        var template = Array("/tmp/swc-sock-XXXXXX".utf8CString)
        let dir = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileSystem.removeTree(dir) }
        let listener = try UnixSocket.listen(path: dir + "/s")
        defer { listener.closeQuietly() }
        let client = try UnixSocket.connect(path: dir + "/s")
        let server = try UnixSocket.accept(listener)
        try client.writeAll("ping\n")
        client.closeQuietly()
        #expect(String(decoding: try server.readAll(), as: UTF8.self) == "ping\n")
        server.closeQuietly()
    }

    @Test func procReaders() throws {
        #expect(try ProcFS.mounts().contains { $0.mountPoint == "/" })
        #expect(ProcFS.state(of: getpid()) != nil)
        #expect(try ProcFS.cgroups()["memory"] != nil || Cgroups2Probe.isUnified)
        #expect(Process.threadCount() >= 1)
    }

    @Test func timerFires() throws {
        let timer = try Timer()
        defer { timer.fd.closeQuietly() }
        try timer.arm(after: 0.01)
        var poll = pollfd(fd: timer.fd.rawValue, events: Int16(POLLIN), revents: 0)
        #expect(Glibc.poll(&poll, 1, 1000) == 1)
        timer.acknowledge()
    }

    @Test func sealedExecutableCannotBeWritten() throws {
        let memfd = try SealedExecutable.copy(of: "/bin/true")
        defer { memfd.closeQuietly() }
        #expect(throws: Errno.self) { try memfd.writeAll("x") }
        let pid = try Spawn(executable: "/proc/self/fd/\(memfd.rawValue)", arguments: ["true"]).run()
        #expect(try Process.wait(pid)?.status == .exited(0))
    }
}

enum Cgroups2Probe {
    static var isUnified: Bool { FileSystem.exists("/sys/fs/cgroup/cgroup.controllers") }
}
