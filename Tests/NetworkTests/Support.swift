import Glibc
import Linux

/// Runs a program to completion; returns its exit status and combined output.
@discardableResult
func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let (pid, output) = try spawnCapturing(arguments)
    let text = String(decoding: try output.readAll(), as: UTF8.self)
    output.closeQuietly()
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), text)
}

func spawn(_ arguments: [String], actions: inout posix_spawn_file_actions_t) throws -> pid_t {
    var pid: pid_t = 0
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    // Test-runner threads block most signals and children inherit the mask: ping's SIGALRM deadline
    // would never fire. Start children with an empty mask and default dispositions.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t(), all = sigset_t()
    sigemptyset(&empty)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
    if result != 0 { throw Errno(result, call: "posix_spawn", subject: arguments[0]) }
    return pid
}

/// Starts a program in the background with its output on a pipe; returns its pid and the pipe's read end.
func spawnCapturing(_ arguments: [String]) throws -> (pid: pid_t, output: FileDescriptor) {
    let pipe = try FileDescriptor.pipe()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipe.write.rawValue, 1)
    posix_spawn_file_actions_adddup2(&actions, pipe.write.rawValue, 2)
    let pid = try spawn(arguments, actions: &actions)
    pipe.write.closeQuietly()
    return (pid, pipe.read)
}

func reap(_ pid: pid_t) {
    var status: Int32 = 0
    waitpid(pid, &status, 0)
}

/// Runs `loop` until `output` reaches end of file; returns what was read from it.
func runLoop(_ loop: EventLoop, until output: FileDescriptor) throws -> String {
    var collected: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    try loop.register(output) { _ in
        let count = buffer.withUnsafeMutableBytes { read(output.rawValue, $0.baseAddress, $0.count) }
        if count > 0 {
            collected += buffer[0..<count]
        } else if count == 0 || errno != EINTR {
            loop.unregister(output)
            loop.stop()
        }
    }
    try loop.run()
    output.closeQuietly()
    return String(decoding: collected, as: UTF8.self)
}

/// A process alone in a fresh network namespace, standing in for a container. Killed by PID on `stop`.
final class FakeContainer {
    let pid: pid_t
    let namespace: FileDescriptor

    init() throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        pid = try spawn(["unshare", "-n", "sleep", "infinity"], actions: &actions)
        // unshare has run once the namespace differs from ours.
        let ours = Self.namespaceID("/proc/self/ns/net")
        var waited = 0
        while Self.namespaceID("/proc/\(pid)/ns/net") == ours && waited < 2000 {
            usleep(1000)
            waited += 1
        }
        namespace = try NetworkNamespace.open(pid: pid)
    }

    static func namespaceID(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink(path, &buffer, 63)
        return count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }

    /// Runs a command inside the namespace.
    @discardableResult
    func exec(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try run(["timeout", "-s", "KILL", "10", "nsenter", "-t", "\(pid)", "-n"] + arguments)
    }

    /// Starts a long-running command inside the namespace; kill it by the returned pid.
    func start(_ arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        return try spawn(["nsenter", "-t", "\(pid)", "-n"] + arguments, actions: &actions)
    }

    func stop() {
        namespace.closeQuietly()
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

/// A fresh state root under /tmp, removed by `remove()`.
func temporaryStateRoot() -> (root: StateRoot, path: String) {
    var template = Array("/tmp/swcnet-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    return (StateRoot(root: path), path)
}

/// A name unique to this run and call, for projects and networks.
func uniqueName(_ stem: String) -> String {
    var generator = SystemRandomNumberGenerator()
    return "\(stem)\(getpid())x\(generator.next() % 100_000)"
}
