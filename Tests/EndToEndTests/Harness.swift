import Foundation
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

    /// A busybox rootfs tar shared by every test of this process.
    static let busyboxTar: String = {
        let path = NSTemporaryDirectory() + "swc-busybox-\(getpid()).tar"
        let result = Stack.exec(["/bin/bash", packageRoot + "/examples/busybox-rootfs.sh", path], environment: [:], cwd: "/")
        precondition(result.status == 0, "busybox rootfs: \(result.stderr)")
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
    func run(_ arguments: [String], environment: [String: String] = [:]) -> Result {
        var env = ["SWCOMPOSE_ROOT": root, "COMPOSE_PROJECT_NAME": project, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        env.merge(environment) { $1 }
        return Stack.exec([Stack.binary] + arguments, environment: env, cwd: directory)
    }

    func importBusybox() {
        let result = run(["image", "import", Stack.busyboxTar, "localhost/busybox:test"])
        precondition(result.status == 0, "image import: \(result.stderr)")
    }

    /// Takes everything down and removes the temp directories; used in `defer`.
    func tearDown() {
        run(["down", "-v", "--remove-orphans", "-t", "1"])
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: root)
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

    static func exec(_ arguments: [String], environment: [String: String], cwd: String) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return Result(status: 127, stdout: "", stderr: "\(error)") }
        // Drain both pipes while the command runs so a chatty one cannot fill a pipe and stall.
        nonisolated(unsafe) var stderr = Data()
        let reader = Thread { stderr = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}
