import Glibc
import Linux

/// A busybox root filesystem in a fresh temp directory, and the built `swcompose` binary to run.
struct TestEnvironment {
    let directory: String
    let rootfs: String
    let stateRoot: StateRoot

    static let binary: String = {
        // Tests/RuntimeTests/TestSupport.swift → package root → .build/debug/swcompose
        var path = #filePath
        for _ in 0..<3 { path = FileSystem.parentPath(of: path) }
        return path + "/.build/debug/swcompose"
    }()

    init() throws {
        var template = Array("/tmp/swc-rt-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Errno.current("mkdtemp") }
        directory = String(cString: made)
        rootfs = directory + "/rootfs"
        stateRoot = StateRoot(root: directory + "/state")
        try Self.makeRootfs(rootfs)
    }

    func cleanUp() { try? FileSystem.removeTree(directory) }

    static func makeRootfs(_ rootfs: String) throws {
        for dir in ["bin", "sbin", "usr/bin", "usr/sbin", "etc", "tmp", "proc", "sys", "dev", "root"] {
            try FileSystem.createDirectory("\(rootfs)/\(dir)")
        }
        chmod(rootfs + "/tmp", 0o1777)
        let busybox = try FileSystem.readFile("/bin/busybox")
        try FileSystem.writeAtomically(rootfs + "/bin/busybox", busybox, mode: 0o755)
        let list = try run("/bin/busybox", ["busybox", "--list-full"]).stdout
        for applet in list.split(separator: "\n") where applet != "bin/busybox" {
            symlink("/bin/busybox", "\(rootfs)/\(applet)")
        }
        try FileSystem.writeAtomically(
            rootfs + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n")
        try FileSystem.writeAtomically(rootfs + "/etc/group", "root:x:0:\nnogroup:x:65534:\n")
    }

    struct Output {
        var status: ExitStatus
        var stdout: String
        var stderr: String
        var pid: pid_t
    }

    /// posix_spawn (never fork: the test runner is multithreaded), output through temp files.
    static func run(_ executable: String, _ arguments: [String], environment: [String]? = nil) throws -> Output {
        var template = Array("/tmp/swc-out-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Errno.current("mkdtemp") }
        let dir = String(cString: made)
        defer { try? FileSystem.removeTree(dir) }
        let out = try FileDescriptor.open(dir + "/out", [.readWrite, .create])
        let err = try FileDescriptor.open(dir + "/err", [.readWrite, .create])
        let null = try FileDescriptor.open("/dev/null", .readOnly)
        defer { [out, err, null].forEach { $0.closeQuietly() } }
        var spawn = Spawn(executable: executable, arguments: arguments, environment: environment)
        spawn.descriptors = [0: null, 1: out, 2: err]
        let pid = try spawn.run()
        let status = try Process.wait(pid)!.status
        return Output(
            status: status, stdout: try FileSystem.readString(dir + "/out"), stderr: try FileSystem.readString(dir + "/err"),
            pid: pid)
    }

    /// `swcompose __run --rootfs <rootfs> <options> -- <command>`
    func runContainer(_ options: [String] = [], _ command: [String]) throws -> Output {
        try Self.run(Self.binary, ["swcompose", "__run", "--rootfs", rootfs] + options + ["--"] + command)
    }
}

/// Every directory named *swcompose* in the cgroup hierarchies that mentions `id`.
func cgroupDirectories(containing id: String) -> [String] {
    var found: [String] = []
    func walk(_ path: String, depth: Int) {
        guard depth < 8, let names = try? FileSystem.contents(of: path) else { return }
        for name in names where FileSystem.isDirectory("\(path)/\(name)") {
            if name.contains(id) { found.append("\(path)/\(name)") }
            walk("\(path)/\(name)", depth: depth + 1)
        }
    }
    for controller in ["memory", "pids", "freezer", "cpu", "cpuset", "blkio", "unified"] {
        if let own = try? ProcFS.cgroups()[controller == "unified" ? "" : controller] {
            walk("/sys/fs/cgroup/\(controller)\(own == "/" ? "" : own)/swcompose", depth: 0)
        }
    }
    return found
}

func sleep(seconds: Double) { usleep(UInt32(seconds * 1e6)) }

/// Polls `condition` every 50 ms for up to `timeout` seconds.
func eventually(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
    var waited = 0.0
    while waited < timeout {
        if condition() { return true }
        sleep(seconds: 0.05)
        waited += 0.05
    }
    return condition()
}
