import CLinux
import Glibc

/// posix_spawn: the only way a multithreaded process (the CLI) starts another program.
public struct Spawn {
    public var executable: String
    public var arguments: [String]
    public var environment: [String]
    /// Child descriptor number → descriptor in this process; everything else is closed (close-on-exec).
    public var descriptors: [Int32: FileDescriptor] = [:]
    /// Start a new session (the supervisor detaches from the CLI's terminal and process group).
    public var newSession = false

    public init(executable: String, arguments: [String], environment: [String]? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment ?? Spawn.currentEnvironment()
    }

    public static func currentEnvironment() -> [String] {
        var result: [String] = []
        guard var entry = clinux_environ() else { return result }
        while let pointer = entry.pointee {
            result.append(String(cString: pointer))
            entry += 1
        }
        return result
    }

    public func run() throws(Errno) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 in two rounds through high numbers so a target never clobbers a later source.
        let staging: Int32 = 1000
        for (offset, (_, source)) in descriptors.sorted(by: { $0.key < $1.key }).enumerated() {
            posix_spawn_file_actions_adddup2(&actions, source.rawValue, staging + Int32(offset))
        }
        for (offset, (target, _)) in descriptors.sorted(by: { $0.key < $1.key }).enumerated() {
            posix_spawn_file_actions_adddup2(&actions, staging + Int32(offset), target)
            posix_spawn_file_actions_addclose(&actions, staging + Int32(offset))
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The CLI's threads block most signals; the child must start with a clean mask and defaults.
        var empty = SignalSet()
        posix_spawnattr_setsigmask(&attributes, &empty.raw)
        var defaults = SignalSet.all
        posix_spawnattr_setsigdefault(&attributes, &defaults.raw)
        var flags = CLINUX_POSIX_SPAWN_SETSIGMASK | CLINUX_POSIX_SPAWN_SETSIGDEF
        if newSession { flags |= CLINUX_POSIX_SPAWN_SETSID }
        posix_spawnattr_setflags(&attributes, flags)

        let argv = CStringArray(arguments)
        let envp = CStringArray(environment)
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv.pointers, envp.pointers)
        if result != 0 { throw Errno(result, call: "posix_spawn", subject: executable) }
        return pid
    }
}

/// A NULL-terminated array of C strings that lives as long as this value: argv and envp built before a clone.
public final class CStringArray {
    public let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    public init(_ strings: [String]) {
        count = strings.count
        pointers = .allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { pointers[index] = strdup(string) }
        pointers[strings.count] = nil
    }

    deinit {
        for index in 0..<count { free(pointers[index]) }
        pointers.deallocate()
    }
}

/// Execs a program image: the last step of container setup.
public enum Exec {
    public static func execute(_ path: String, _ argv: CStringArray, _ envp: CStringArray) -> Errno {
        execve(path, argv.pointers, envp.pointers)
        return Errno.current("exec", path)
    }

    /// Finds `command` in `path` (a PATH value) like execvp; a name with a slash is used as is.
    public static func search(_ command: String, path: String) -> String? {
        if command.contains("/") { return command }
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            var st = stat()
            if stat(candidate, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }
}
