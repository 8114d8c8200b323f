import CLinux
import Glibc

/// Starts children that run a Swift closure: `clone3` with namespace flags, or plain `fork`.
/// Only a single-threaded process may call these (the child gets a copy of this thread alone);
/// `Process.assertSingleThreaded()` checks it.
public enum Clone {
    private final class Body {
        let run: () -> Int32
        init(_ run: @escaping () -> Int32) { self.run = run }
    }

    private static let trampoline: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { context in
        Unmanaged<Body>.fromOpaque(context!).takeUnretainedValue().run()
    }

    /// clone3 with `namespaces`; the child runs `body` and exits with its result.
    /// `cgroup` (v2 only) starts the child inside that cgroup directory. Returns the pid and a pidfd.
    public static func run(
        namespaces: Namespaces, cgroup: FileDescriptor? = nil, _ body: @escaping () -> Int32
    ) throws(Errno) -> (pid: pid_t, pidfd: FileDescriptor) {
        let box = Unmanaged.passRetained(Body(body))
        defer { box.release() }
        var pidfd: Int32 = -1
        let pid = clinux_clone3_run(
            UInt64(UInt32(bitPattern: namespaces.rawValue)), cgroup?.rawValue ?? -1, &pidfd, trampoline, box.toOpaque())
        try check(pid, "clone3")
        return (pid, FileDescriptor(rawValue: pidfd))
    }

    /// fork; the child runs `body` and exits with its result.
    public static func fork(_ body: @escaping () -> Int32) throws(Errno) -> pid_t {
        let box = Unmanaged.passRetained(Body(body))
        defer { box.release() }
        return try check(clinux_fork_run(trampoline, box.toOpaque()), "fork")
    }
}
