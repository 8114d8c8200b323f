import CLinux
import Glibc

/// A set of Linux capabilities as the kernel's 64-bit mask.
public struct CapabilitySet: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Names in the kernel's order (`CAP_` prefix omitted); the index is the capability number.
    public static let names = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ]

    public static func number(named name: String) -> Int? {
        var upper = name.uppercased()
        if upper.hasPrefix("CAP_") { upper.removeFirst(4) }
        return names.firstIndex(of: upper)
    }

    /// Parses names such as "NET_ADMIN" or "CAP_NET_ADMIN"; "ALL" means every known capability.
    public init(names list: [String]) throws(CapabilityError) {
        var mask: UInt64 = 0
        for name in list {
            if name.uppercased() == "ALL" { mask |= Self.all.rawValue; continue }
            guard let number = Self.number(named: name) else { throw CapabilityError.unknown(name) }
            mask |= 1 << UInt64(number)
        }
        self.init(rawValue: mask)
    }

    public static func capability(_ number: Int) -> CapabilitySet { CapabilitySet(rawValue: 1 << UInt64(number)) }

    /// Every capability this kernel knows (from /proc/sys/kernel/cap_last_cap), capped by our name table.
    public static var all: CapabilitySet {
        let last = (try? FileSystem.readString("/proc/sys/kernel/cap_last_cap"))
            .flatMap { Int($0.trimmingTrailingNewlines) } ?? (names.count - 1)
        let count = min(last + 1, names.count)
        return CapabilitySet(rawValue: count >= 64 ? ~0 : (UInt64(1) << UInt64(count)) - 1)
    }

    public var names: [String] {
        (0..<Self.names.count).filter { rawValue & (1 << UInt64($0)) != 0 }.map { "CAP_" + Self.names[$0] }
    }
}

public enum CapabilityError: Error, Sendable, CustomStringConvertible {
    case unknown(String)
    public var description: String {
        switch self {
        case .unknown(let name): "unknown capability \"\(name)\""
        }
    }
}

/// The calling thread's capability sets.
public enum Capabilities {
    public static func current() throws(Errno) -> (effective: CapabilitySet, permitted: CapabilitySet, inheritable: CapabilitySet) {
        var eff: UInt64 = 0, perm: UInt64 = 0, inh: UInt64 = 0
        try check(clinux_capget(&eff, &perm, &inh), "capget")
        return (CapabilitySet(rawValue: eff), CapabilitySet(rawValue: perm), CapabilitySet(rawValue: inh))
    }

    public static func set(effective: CapabilitySet, permitted: CapabilitySet, inheritable: CapabilitySet) throws(Errno) {
        try check(clinux_capset(effective.rawValue, permitted.rawValue, inheritable.rawValue), "capset")
    }

    /// Drops every capability not in `keep` from the bounding set (needs CAP_SETPCAP).
    public static func limitBoundingSet(to keep: CapabilitySet) throws(Errno) {
        let last = (try? FileSystem.readString("/proc/sys/kernel/cap_last_cap")).flatMap { Int($0.trimmingTrailingNewlines) } ?? 40
        for number in 0...last where keep.rawValue & (1 << UInt64(number)) == 0 {
            let result = clinux_prctl(PR_CAPBSET_DROP, UInt(number), 0, 0, 0)
            // EINVAL: a capability this kernel does not have.
            if result == -1 && clinux_errno() != EINVAL { throw Errno.current("prctl PR_CAPBSET_DROP", "\(number)") }
        }
    }

    public static func clearAmbient() throws(Errno) {
        try check(clinux_prctl(PR_CAP_AMBIENT, UInt(PR_CAP_AMBIENT_CLEAR_ALL), 0, 0, 0), "prctl PR_CAP_AMBIENT")
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var copy = self
        while copy.last == "\n" || copy.last == " " { copy.removeLast() }
        return copy
    }
}
