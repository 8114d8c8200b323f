import CLinux
import Glibc

/// How a child ended.
public enum ExitStatus: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(raw: Int32) {
        self = clinux_wifsignaled(raw) != 0 ? .signaled(clinux_wtermsig(raw)) : .exited(clinux_wexitstatus(raw))
    }

    /// The shell's convention (and docker's): 128 + signal for a killed process.
    public var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}

public enum Process {
    /// Waits for `pid` (or any child with -1). With `noHang`, nil means nothing has ended yet.
    public static func wait(_ pid: pid_t, noHang: Bool = false) throws(Errno) -> (pid: pid_t, status: ExitStatus)? {
        var raw: Int32 = 0
        let result = try retryingInterrupts("waitpid", "\(pid)") { waitpid(pid, &raw, noHang ? WNOHANG : 0) }
        if result == 0 { return nil }
        return (result, ExitStatus(raw: raw))
    }

    /// True while `pid` exists (a zombie counts).
    public static func exists(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || clinux_errno() == EPERM
    }

    /// The number of threads of this process: clone and fork are only safe with one.
    public static func threadCount() -> Int {
        (try? FileSystem.contents(of: "/proc/self/task").count) ?? 0
    }

    public static func assertSingleThreaded(_ what: String) throws(Errno) {
        let count = threadCount()
        if count != 1 { throw Errno(EDEADLK, call: what, subject: "process has \(count) threads, needs 1") }
    }

    /// Marks every descriptor from `first` up close-on-exec (so the child can still use them until execve).
    public static func closeOnExecFrom(_ first: Int32) {
        _ = clinux_close_range(UInt32(first), UInt32.max, UInt32(CLOSE_RANGE_CLOEXEC))
    }

    public static func setSession() { _ = setsid() }
}

/// A pidfd: a race-free handle on a process (readable when it exits).
public struct ProcessDescriptor {
    public let fd: FileDescriptor
    public let pid: pid_t

    public init(pid: pid_t) throws(Errno) {
        self.pid = pid
        fd = FileDescriptor(rawValue: try check(clinux_pidfd_open(pid, 0), "pidfd_open", "\(pid)"))
    }

    public init(fd: FileDescriptor, pid: pid_t) {
        self.fd = fd
        self.pid = pid
    }

    public func send(_ signal: Int32) throws(Errno) {
        try check(clinux_pidfd_send_signal(fd.rawValue, signal, 0), "pidfd_send_signal", "\(pid)")
    }
}
