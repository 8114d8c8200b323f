import Foundation
import Linux
import Testing

/// Runs the built `swcompose` binary as a user would: a temp project directory, a compose file, a private
/// state root (`SWCOMPOSE_ROOT`) and a unique project name, so suites run in parallel and never touch real stacks.
struct Stack {
    static let packageRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = (path as NSString).deletingLastPathComponent }
        return path
    }()
    static let binary = packageRoot + "/.build/debug/swcompose"

    /// A busybox rootfs tar shared by every test, kept between runs: made once, renamed into place so
    /// parallel test processes never see half a file.
    static let busyboxTar: String = {
        let path = NSTemporaryDirectory() + "swc-busybox-rootfs.tar"
        if FileManager.default.fileExists(atPath: path) { return path }
        let temporary = path + ".\(getpid())"
        let result = Stack.exec(["/bin/bash", packageRoot + "/examples/busybox-rootfs.sh", temporary], environment: [:], cwd: "/")
        precondition(result.status == 0, "busybox rootfs: \(result.stderr)")
        precondition(rename(temporary, path) == 0, "rename \(temporary)")
        return path
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let directory: String
    let root: String
    let project: String
    /// Prefix for every command, e.g. `nsenter --net=...` to run the CLI (and so its supervisors) in a
    /// network namespace the test made.
    var wrapper: [String] = []

    init(_ compose: String, name: String = "e2e") throws {
        project = "swc\(name)\(UInt32.random(in: 0..<UInt32.max) % 100000)"
        directory = NSTemporaryDirectory() + project
        root = directory + "-state"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try compose.write(toFile: directory + "/compose.yaml", atomically: true, encoding: .utf8)
    }

    func write(_ text: String, to relative: String) throws {
        let path = directory + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) -> Result {
        var env = ["SWCOMPOSE_ROOT": root, "COMPOSE_PROJECT_NAME": project, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        env.merge(environment) { $1 }
        // The compose file by path: posix_spawn here has no working-directory action.
        let file = arguments.first == "image" ? [] : ["-f", directory + "/compose.yaml"]
        return Stack.exec(wrapper + [Stack.binary] + file + arguments, environment: env, cwd: directory, input: input)
    }

    /// Runs with `-p NAME` and no compose file, as after the project's directory is gone (the runner's
    /// working directory holds none).
    @discardableResult
    func runByName(_ arguments: [String]) -> Result {
        let env = ["SWCOMPOSE_ROOT": root, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        return Stack.exec([Stack.binary, "-p", project] + arguments, environment: env, cwd: "/")
    }

    func importBusybox() {
        let result = run(["image", "import", Stack.busyboxTar, "localhost/busybox:test"])
        precondition(result.status == 0, "image import: \(result.stderr)")
    }

    /// The busybox image, then `up -d` of `services` (all when empty), which must succeed.
    func upDetached(_ services: [String] = []) throws {
        importBusybox()
        let up = run(["up", "-d"] + services)
        try #require(up.status == 0, "up: \(up.stderr)")
    }

    /// Takes everything down and removes the temp directories; used in `defer`.
    func tearDown() {
        run(["down", "-v", "--remove-orphans", "-t", "1"])
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: root)
    }

    /// SIGKILLs every supervisor of the stack (the PID in each container's state), as a crash would.
    func killSupervisors() {
        for id in (try? FileManager.default.contentsOfDirectory(atPath: root + "/lib/containers")) ?? [] {
            let state = (try? String(contentsOfFile: "\(root)/lib/containers/\(id)/state.json", encoding: .utf8)) ?? ""
            if let range = state.range(of: #""supervisorPid":[0-9]+"#, options: .regularExpression),
               let pid = Int32(state[range].split(separator: ":")[1]) {
                kill(pid, SIGKILL)
            }
        }
    }

    /// Kernel objects that would outlive the stack: mounts under its state root, cgroups of its project.
    func leaks() -> [String] {
        var found: [String] = []
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        found += mounts.split(separator: "\n").filter { $0.contains(root) }.map { "mount: \($0)" }
        for hierarchy in (try? FileManager.default.contentsOfDirectory(atPath: "/sys/fs/cgroup")) ?? [] {
            let path = "/sys/fs/cgroup/\(hierarchy)/swcompose/\(project)"
            if FileManager.default.fileExists(atPath: path) { found.append("cgroup: \(path)") }
        }
        return found
    }

    /// posix_spawn with stdout and stderr sent to files: no pipe a supervisor could hold open, no Foundation
    /// Process (whose waitUntilExit can stall under the test runner). `cwd` is passed as `-f` by `run`.
    static func exec(_ arguments: [String], environment: [String: String], cwd: String, input: String? = nil) -> Result {
        do {
            return try Background(arguments, environment: environment, input: input).finish()
        } catch {
            return Result(status: 127, stdout: "", stderr: "\(error)")
        }
    }

    /// The CLI started without waiting for it, e.g. `attach` while the test acts on the container.
    func start(_ arguments: [String], input: String? = nil) throws -> Background {
        let env = ["SWCOMPOSE_ROOT": root, "COMPOSE_PROJECT_NAME": project, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        return try Background([Stack.binary, "-f", directory + "/compose.yaml"] + arguments, environment: env, input: input)
    }

    /// A spawned command: stdin from `input` (or /dev/null), stdout and stderr to files until `finish()`.
    struct Background {
        let pid: pid_t
        let base: String

        init(_ arguments: [String], environment: [String: String], input: String?) throws {
            base = NSTemporaryDirectory() + "swc-exec-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
            if let input { try input.write(toFile: base + ".in", atomically: false, encoding: .utf8) }
            let stdin = try FileDescriptor.open(input == nil ? "/dev/null" : base + ".in", .readOnly)
            let out = try FileDescriptor.open(base + ".out", [.writeOnly, .create, .truncate])
            let err = try FileDescriptor.open(base + ".err", [.writeOnly, .create, .truncate])
            defer { [stdin, out, err].forEach { $0.closeQuietly() } }
            var spawn = Spawn(executable: arguments[0], arguments: arguments,
                              environment: environment.map { "\($0.key)=\($0.value)" })
            spawn.descriptors = [0: stdin, 1: out, 2: err]
            pid = try spawn.run()
        }

        func finish() -> Result {
            let code = (try? Linux.Process.wait(pid)?.status.code) ?? -1
            defer { for suffix in [".in", ".out", ".err"] { try? FileManager.default.removeItem(atPath: base + suffix) } }
            return Result(status: code, stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
        }
    }
}
