import Linux

/// Docker's defaults for an unprivileged container.
public enum DefaultSecurity {
    /// CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT
    /// KILL AUDIT_WRITE: CapEff 00000000a80425fb in a docker container.
    public static let capabilities = CapabilitySet(rawValue: 0xa804_25fb)

    /// Kernel files a container must not read: bound over with /dev/null (files) or an empty read-only tmpfs.
    public static let maskedPaths = [
        "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
        "/sys/devices/virtual/powercap",
    ]

    public static let readonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

    /// `cap_add` / `cap_drop` applied to the default set, as docker does ("ALL" allowed on both sides).
    public static func capabilities(adding add: [String], dropping drop: [String]) throws(CapabilityError) -> CapabilitySet {
        var set = drop.contains { $0.uppercased() == "ALL" } ? CapabilitySet() : capabilities
        set.subtract(try CapabilitySet(names: drop.filter { $0.uppercased() != "ALL" }))
        set.formUnion(try CapabilitySet(names: add))
        return set
    }
}
