import CLinux
import Glibc

/// Namespace kinds as clone/unshare/setns flags.
public struct Namespaces: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let mount = Namespaces(rawValue: CLONE_NEWNS)
    public static let uts = Namespaces(rawValue: CLONE_NEWUTS)
    public static let ipc = Namespaces(rawValue: CLONE_NEWIPC)
    public static let pid = Namespaces(rawValue: CLONE_NEWPID)
    public static let network = Namespaces(rawValue: CLONE_NEWNET)
    public static let cgroup = Namespaces(rawValue: CLONE_NEWCGROUP)
    public static let user = Namespaces(rawValue: CLONE_NEWUSER)

    /// The name under /proc/<pid>/ns/ for a single kind.
    public var procName: String {
        switch self {
        case .mount: "mnt"
        case .uts: "uts"
        case .ipc: "ipc"
        case .pid: "pid"
        case .network: "net"
        case .cgroup: "cgroup"
        case .user: "user"
        default: "?"
        }
    }

    /// Each single kind in this set, in the order setns should join them (mount last: it hides /proc).
    public var kinds: [Namespaces] {
        [.user, .ipc, .uts, .network, .pid, .cgroup, .mount].filter { contains($0) }
    }

    public static func unshare(_ kinds: Namespaces) throws(Errno) {
        try check(clinux_unshare(kinds.rawValue), "unshare")
    }

    /// Joins the namespace `fd` refers to (a /proc/<pid>/ns/* file or a pidfd).
    public static func join(_ fd: FileDescriptor, _ kinds: Namespaces) throws(Errno) {
        try check(clinux_setns(fd.rawValue, kinds.rawValue), "setns", kinds.procName)
    }

    /// Opens /proc/<pid>/ns/<kind>.
    public static func open(pid: pid_t, _ kind: Namespaces) throws(Errno) -> FileDescriptor {
        try FileDescriptor.open("/proc/\(pid)/ns/\(kind.procName)", .readOnly)
    }
}
