/// Resource limits as compose spells them, independent of the cgroup version.
public struct CgroupLimits: Codable, Sendable, Equatable {
    /// Bytes; nil means unlimited.
    public var memory: Int64?
    /// Memory plus swap in bytes; -1 means unlimited swap.
    public var memorySwap: Int64?
    public var memoryReservation: Int64?
    /// Fractional CPUs ("1.5"), turned into a CFS quota over `cpuPeriod`.
    public var cpus: Double?
    public var cpuPeriod: Int64?
    public var cpuQuota: Int64?
    public var cpuShares: Int64?
    public var cpusetCpus: String?
    public var cpusetMems: String?
    public var pids: Int64?
    /// 10...1000 as docker's blkio weight.
    public var blkioWeight: Int?
    /// Which device nodes the container may open or create, applied once when the cgroup is created.
    /// nil (also a container stored before device rules existed) means docker's defaults.
    public var devices: [DeviceRule]?

    public init() {}

    public var deviceRules: [DeviceRule] { devices ?? DeviceRule.defaults }

    /// The CFS (quota, period) in microseconds, from `cpus` or an explicit quota.
    public var cfsQuota: (quota: Int64, period: Int64)? {
        let period = cpuPeriod ?? 100_000
        if let cpus { return (Int64(cpus * Double(period)), period) }
        if let cpuQuota { return (cpuQuota, period) }
        return nil
    }
}

/// Usage numbers for `stats` and `top`.
public struct CgroupStats: Codable, Sendable, Equatable {
    public var cpuUsageNanoseconds: UInt64?
    public var memoryUsage: UInt64?
    public var memoryLimit: UInt64?
    public var pids: UInt64?
    public var blockReadBytes: UInt64?
    public var blockWriteBytes: UInt64?
    public init() {}
}
