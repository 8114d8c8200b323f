import Glibc
import Linux

/// How a child ended, decoded from wait4's status word.
enum ProcessStatus: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    init(waitStatus: Int32) {
        let signal = waitStatus & 0x7f
        self = signal == 0 ? .exited((waitStatus >> 8) & 0xff) : .signalled(signal)
    }

    var succeeded: Bool { self == .exited(0) }

    var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signalled(let signal): "was killed by signal \(signal)"
        }
    }
}

/// One finished child: its wall time from spawn to reaping and its peak resident memory.
struct ProcessRun {
    let status: ProcessStatus
    let seconds: Double
    /// User plus system CPU time: less disturbed than wall time by other work on a loaded machine.
    let cpuSeconds: Double
    /// Peak RSS: the meter's figure, else wait4's ru_maxrss (which includes the caller's own peak).
    let peakKiB: Int
}

/// Starts programs with posix_spawn (never fork: cheap and thread-safe) and reaps them with wait4.
enum ProcessRunner {
    /// Runs `arguments` to completion; stdout goes to `stdoutPath`, stderr to `stderrPath`.
    /// With a `meter` the wall time includes GNU time's own start (about a millisecond, alike for every command).
    static func run(_ arguments: [String], environment: [String: String], stdoutPath: String = "/dev/null",
                    stderrPath: String, meter: PeakMemoryMeter? = nil) throws(BenchError) -> ProcessRun {
        let start = Clock.monotonic()
        let pid = try spawn(meter?.wrap(arguments) ?? arguments, environment: environment, stdoutPath: stdoutPath, stderrPath: stderrPath)
        let (status, usage) = try wait(pid, command: arguments[0])
        let elapsed = Clock.monotonic() - start
        let cpu = [usage.ru_utime, usage.ru_stime].reduce(0.0) { $0 + Double($1.tv_sec) + Double($1.tv_usec) / 1e6 }
        return ProcessRun(status: status, seconds: elapsed, cpuSeconds: cpu, peakKiB: meter?.read() ?? usage.ru_maxrss)
    }

    /// Like `run`, but throws with the tail of stderr unless the program exits 0.
    static func runChecked(_ arguments: [String], environment: [String: String], stdoutPath: String = "/dev/null",
                           stderrPath: String, meter: PeakMemoryMeter? = nil) throws(BenchError) -> ProcessRun {
        let result = try run(arguments, environment: environment, stdoutPath: stdoutPath, stderrPath: stderrPath, meter: meter)
        guard result.status.succeeded else {
            throw .failed(command: arguments.joined(separator: " "), status: result.status, stderrTail: tail(of: stderrPath))
        }
        return result
    }

    static func spawn(_ arguments: [String], environment: [String: String], stdoutPath: String = "/dev/null",
                      stderrPath: String) throws(BenchError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        // A child must not inherit a blocked signal mask or ignored signals: dnsmasq must die on SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard code == 0 else { throw .system(what: "start \(arguments[0])", Errno(code, call: "posix_spawn")) }
        return pid
    }

    static func wait(_ pid: pid_t, command: String) throws(BenchError) -> (ProcessStatus, rusage) {
        var status: Int32 = 0
        var usage = rusage()
        do {
            try retryingInterrupts("wait4", command) { wait4(pid, &status, 0, &usage) }
        } catch {
            throw .system(what: "wait for \(command)", error)
        }
        return (ProcessStatus(waitStatus: status), usage)
    }

    /// The child's status if it has exited already (it is reaped then), nil while it runs.
    static func hasExited(_ pid: pid_t) -> ProcessStatus? {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid ? ProcessStatus(waitStatus: status) : nil
    }

    /// The last lines of a captured stderr, for error messages.
    static func tail(of path: String, lines: Int = 8) -> String {
        guard let text = try? FileSystem.readString(path) else { return "" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
