import CLinux
import Glibc

/// A sigset_t as a value.
public struct SignalSet: Sendable {
    public var raw = sigset_t()

    public init(_ signals: [Int32] = []) {
        clinux_sigemptyset(&raw)
        for signal in signals { clinux_sigaddset(&raw, signal) }
    }

    public static var all: SignalSet {
        var set = SignalSet()
        clinux_sigfillset(&set.raw)
        return set
    }
}

public enum Signals {
    /// Blocks `set` for the calling thread (so a signalfd can read them); returns the previous mask.
    @discardableResult
    public static func block(_ set: SignalSet) throws(Errno) -> SignalSet {
        var set = set
        var old = SignalSet()
        let result = pthread_sigmask(SIG_BLOCK, &set.raw, &old.raw)
        if result != 0 { throw Errno(result, call: "pthread_sigmask") }
        return old
    }

    /// Default dispositions and an empty mask: for a child about to exec.
    public static func resetForChild() { clinux_reset_signals() }

    public static func ignore(_ signal: Int32) { Glibc.signal(signal, SIG_IGN) }

    public static func send(_ signal: Int32, to pid: pid_t) throws(Errno) {
        try check(kill(pid, signal), "kill", "\(pid)")
    }

    /// Signal numbers by name: "SIGTERM", "TERM" or "15".
    public static func number(named name: String) -> Int32? {
        if let number = Int32(name), number > 0, number < 65 { return number }
        var upper = name.uppercased()
        if upper.hasPrefix("SIG") { upper.removeFirst(3) }
        return byName[upper]
    }

    static let byName: [String: Int32] = [
        "HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "ILL": SIGILL, "TRAP": SIGTRAP, "ABRT": SIGABRT, "BUS": SIGBUS,
        "FPE": SIGFPE, "KILL": SIGKILL, "USR1": SIGUSR1, "SEGV": SIGSEGV, "USR2": SIGUSR2, "PIPE": SIGPIPE,
        "ALRM": SIGALRM, "TERM": SIGTERM, "STKFLT": SIGSTKFLT, "CHLD": SIGCHLD, "CONT": SIGCONT, "STOP": SIGSTOP,
        "TSTP": SIGTSTP, "TTIN": SIGTTIN, "TTOU": SIGTTOU, "URG": SIGURG, "XCPU": SIGXCPU, "XFSZ": SIGXFSZ,
        "VTALRM": SIGVTALRM, "PROF": SIGPROF, "WINCH": SIGWINCH, "IO": SIGIO, "PWR": SIGPWR, "SYS": SIGSYS,
    ]
}

/// A signalfd for signals the caller has blocked.
public struct SignalDescriptor {
    public let fd: FileDescriptor

    public init(_ set: SignalSet) throws(Errno) {
        var set = set
        fd = FileDescriptor(rawValue: try check(clinux_signalfd(-1, &set.raw, Int32(SFD_CLOEXEC | SFD_NONBLOCK)), "signalfd"))
    }

    /// The next pending signal number, or nil when none is queued.
    public func next() throws(Errno) -> Int32? {
        var info = signalfd_siginfo()
        let count = withUnsafeMutableBytes(of: &info) { Glibc.read(fd.rawValue, $0.baseAddress, $0.count) }
        if count == -1 {
            if clinux_errno() == EAGAIN { return nil }
            throw Errno.current("read signalfd")
        }
        return Int32(info.ssi_signo)
    }
}

/// A monotonic timerfd.
public struct Timer {
    public let fd: FileDescriptor

    public init() throws(Errno) {
        fd = FileDescriptor(rawValue: try check(clinux_timerfd_create(), "timerfd_create"))
    }

    /// Fires once after `seconds` (and then every `interval` seconds when given). Zero disarms.
    public func arm(after seconds: Double, interval: Double = 0) throws(Errno) {
        // A zero initial value would disarm; fire "immediately" instead.
        let initial = seconds <= 0 && interval >= 0 ? Int64(1) : Int64(seconds * 1e9)
        try check(clinux_timerfd_arm(fd.rawValue, initial, Int64(interval * 1e9)), "timerfd_settime")
    }

    public func disarm() throws(Errno) {
        try check(clinux_timerfd_arm(fd.rawValue, 0, 0), "timerfd_settime")
    }

    /// Consumes the expiration count so the descriptor stops being readable.
    public func acknowledge() {
        var count: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &count) { Glibc.read(fd.rawValue, $0.baseAddress, 8) }
    }
}
