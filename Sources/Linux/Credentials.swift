import CLinux
import Glibc

/// Switching user and groups: groups first, then gid, then uid (after uid we may no longer change groups).
public enum Credentials {
    public static func setGroups(_ groups: [gid_t]) throws(Errno) {
        try check(groups.withUnsafeBufferPointer { clinux_setgroups($0.count, $0.baseAddress) }, "setgroups")
    }

    public static func setGroupID(_ gid: gid_t) throws(Errno) {
        try check(setresgid(gid, gid, gid), "setresgid", "\(gid)")
    }

    public static func setUserID(_ uid: uid_t) throws(Errno) {
        try check(setresuid(uid, uid, uid), "setresuid", "\(uid)")
    }
}

/// prctl(2) options used by the runtime and the supervisor.
public enum ProcessControl {
    public static func setNoNewPrivileges() throws(Errno) {
        try check(clinux_prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl PR_SET_NO_NEW_PRIVS")
    }

    /// Unmaps the code pages touched so far and maps later ones a page at a time instead of 16: a long-lived process
    /// done with its start-up keeps only the code it runs. The pages stay in the page cache for everyone else.
    public static func releaseCodePages() throws(Errno) {
        try check(clinux_release_code_pages(), "madvise")
    }

    /// Non-dumpable processes cannot be ptraced or have /proc/<pid>/exe opened by a container (CVE-2019-5736).
    public static func setDumpable(_ on: Bool) throws(Errno) {
        try check(clinux_prctl(PR_SET_DUMPABLE, on ? 1 : 0, 0, 0, 0), "prctl PR_SET_DUMPABLE")
    }

    public static func setKeepCapabilities(_ on: Bool) throws(Errno) {
        try check(clinux_prctl(PR_SET_KEEPCAPS, on ? 1 : 0, 0, 0, 0), "prctl PR_SET_KEEPCAPS")
    }

    /// Orphaned descendants are re-parented to us instead of init, so we can reap them.
    public static func setChildSubreaper() throws(Errno) {
        try check(clinux_prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "prctl PR_SET_CHILD_SUBREAPER")
    }

    public static func setParentDeathSignal(_ signal: Int32) throws(Errno) {
        try check(clinux_prctl(PR_SET_PDEATHSIG, UInt(signal), 0, 0, 0), "prctl PR_SET_PDEATHSIG")
    }
}

/// Resource limits by name ("nofile", "nproc", ...), as compose's `ulimits` spells them.
public enum ResourceLimit {
    public static let resources: [String: Int32] = [
        "core": 4, "cpu": 0, "data": 2, "fsize": 1, "locks": 10, "memlock": 8, "msgqueue": 12, "nice": 13,
        "nofile": 7, "nproc": 6, "rss": 5, "rtprio": 14, "rttime": 15, "sigpending": 11, "stack": 3, "as": 9,
    ]

    public static func set(_ name: String, soft: UInt64, hard: UInt64) throws(Errno) {
        guard let resource = resources[name] else { throw Errno(EINVAL, call: "setrlimit", subject: name) }
        try check(clinux_setrlimit(resource, soft, hard), "setrlimit", name)
    }
}

public enum Host {
    public static func setHostname(_ name: String) throws(Errno) {
        try check(name.withCString { clinux_sethostname($0, strlen($0)) }, "sethostname", name)
    }

    public static func setDomainname(_ name: String) throws(Errno) {
        try check(name.withCString { clinux_setdomainname($0, strlen($0)) }, "setdomainname", name)
    }

    public static func hostname() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        buffer.withUnsafeMutableBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { _ = gethostname($0.baseAddress!, $0.count) }
        }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Brings an interface up in the current network namespace (the container's "lo").
    public static func interfaceUp(_ name: String) throws(Errno) {
        try check(clinux_interface_up(name), "SIOCSIFFLAGS", name)
    }
}
