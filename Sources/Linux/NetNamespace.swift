import CLinux
import Glibc

/// Entering a network namespace for the length of a synchronous call.
public enum NetworkNamespace {
    /// Opens `/proc/<pid>/ns/net`, the handle other calls take.
    public static func open(pid: Int32) throws(Errno) -> FileDescriptor {
        try FileDescriptor.open("/proc/\(pid)/ns/net", .readOnly)
    }

    /// Runs `body` with the calling thread inside the network namespace `namespace`, then returns the thread to
    /// the namespace it was in. setns(CLONE_NEWNET) moves only the calling thread, so this is safe in a
    /// multithreaded process only while `body` stays synchronous on this thread (never `await` inside).
    /// Sockets opened inside keep the namespace after the thread returns: that is the point.
    public static func withEntered<T>(_ namespace: FileDescriptor, _ body: () throws -> T) throws -> T {
        let original = try FileDescriptor.open("/proc/thread-self/ns/net", .readOnly)
        defer { original.closeQuietly() }
        try check(clinux_setns_net(namespace.rawValue), "setns", "network namespace")
        defer {
            // Failing to return would leave this thread in a container's namespace: nothing safe remains to do.
            if clinux_setns_net(original.rawValue) != 0 { fatalError("setns back to the original network namespace: \(Errno.current("setns"))") }
        }
        return try body()
    }
}
