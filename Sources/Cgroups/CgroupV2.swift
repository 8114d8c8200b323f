import Glibc
import Linux

/// cgroup v2: one directory in the unified hierarchy; controllers enabled down the path.
public struct CgroupV2: CgroupManager {
    public let placement: CgroupPlacement

    public init(placement: CgroupPlacement) { self.placement = placement }

    private var directory: String { placement.directories["unified"] ?? "" }

    static func controllers(for limits: CgroupLimits) -> [String] {
        var result = ["memory", "pids"]
        if limits.cfsQuota != nil || limits.cpuShares != nil { result.append("cpu") }
        if limits.cpusetCpus != nil || limits.cpusetMems != nil { result.append("cpuset") }
        if limits.blkioWeight != nil { result.append("io") }
        return result
    }

    public func create(_ limits: CgroupLimits) throws(CgroupError) {
        try CgroupFiles.makeDirectory(directory)
        // Each owned ancestor must delegate the controllers to its children (the leaf's parent included).
        let enable = Self.controllers(for: limits).map { "+" + $0 }.joined(separator: " ")
        var ancestors: [String] = []
        var current = FileSystem.parentPath(of: directory)
        for _ in 0..<placement.ownedDepth {
            ancestors.append(current)
            current = FileSystem.parentPath(of: current)
        }
        for ancestor in ancestors.reversed() { try CgroupFiles.write(ancestor, "cgroup.subtree_control", enable) }
        try update(limits)
        // Here, not in update: every attach adds a program, and all attached programs must allow a device.
        try DeviceFilter.attach(limits.deviceRules, toCgroup: directory)
    }

    public func update(_ limits: CgroupLimits) throws(CgroupError) {
        if let memory = limits.memory { try CgroupFiles.write(directory, "memory.max", "\(memory)") }
        if let total = limits.memorySwap {
            // v2 limits swap alone; compose gives memory+swap.
            let swap = total < 0 ? "max" : "\(max(0, total - (limits.memory ?? 0)))"
            try CgroupFiles.write(directory, "memory.swap.max", swap)
        }
        if let reservation = limits.memoryReservation { try CgroupFiles.write(directory, "memory.low", "\(reservation)") }
        if let (quota, period) = limits.cfsQuota {
            try CgroupFiles.write(directory, "cpu.max", "\(quota > 0 ? "\(quota)" : "max") \(period)")
        }
        if let shares = limits.cpuShares { try CgroupFiles.write(directory, "cpu.weight", "\(Self.weight(shares: shares))") }
        if let cpus = limits.cpusetCpus { try CgroupFiles.write(directory, "cpuset.cpus", cpus) }
        if let mems = limits.cpusetMems { try CgroupFiles.write(directory, "cpuset.mems", mems) }
        if let pids = limits.pids { try CgroupFiles.write(directory, "pids.max", pids > 0 ? "\(pids)" : "max") }
        if let weight = limits.blkioWeight { try CgroupFiles.write(directory, "io.weight", "\(Self.ioWeight(blkio: weight))") }
    }

    /// cpu.shares 2...262144 onto cpu.weight 1...10000, as runc converts them.
    static func weight(shares: Int64) -> Int64 { 1 + ((max(2, min(shares, 262_144)) - 2) * 9999) / 262_142 }

    /// blkio weight 10...1000 onto io.weight 1...10000.
    static func ioWeight(blkio: Int) -> Int { 1 + ((max(10, min(blkio, 1000)) - 10) * 9999) / 990 }

    public func attach(_ pid: pid_t) throws(CgroupError) {
        try CgroupFiles.write(directory, "cgroup.procs", "\(pid)")
    }

    public func cloneTarget() -> FileDescriptor? {
        try? FileDescriptor.open(directory, [.directory, .path])
    }

    public func processes() -> [pid_t] { CgroupFiles.pids(directory) }

    public func oomKillCount() -> Int { Int(CgroupFiles.field(directory, "memory.events", "oom_kill") ?? 0) }

    public func freeze() throws(CgroupError) { try CgroupFiles.write(directory, "cgroup.freeze", "1") }

    public func thaw() throws(CgroupError) { try CgroupFiles.write(directory, "cgroup.freeze", "0") }

    public func stats() -> CgroupStats {
        var stats = CgroupStats()
        stats.cpuUsageNanoseconds = CgroupFiles.field(directory, "cpu.stat", "usage_usec").map { $0 * 1000 }
        stats.memoryUsage = CgroupFiles.number(directory, "memory.current")
        stats.memoryLimit = CgroupFiles.number(directory, "memory.max")
        stats.pids = CgroupFiles.number(directory, "pids.current")
        for line in (CgroupFiles.read(directory, "io.stat") ?? "").split(separator: "\n") {
            for field in line.split(separator: " ") {
                let pair = field.split(separator: "=")
                guard pair.count == 2, let value = UInt64(pair[1]) else { continue }
                if pair[0] == "rbytes" { stats.blockReadBytes = (stats.blockReadBytes ?? 0) + value }
                if pair[0] == "wbytes" { stats.blockWriteBytes = (stats.blockWriteBytes ?? 0) + value }
            }
        }
        return stats
    }

    public func killAll(timeout: Double) -> Bool {
        // cgroup.kill (5.14+) kills atomically, including processes forked meanwhile.
        if FileSystem.exists(directory + "/cgroup.kill") { try? CgroupFiles.write(directory, "cgroup.kill", "1") }
        return CgroupFiles.killAll(directory, timeout: timeout)
    }

    public func destroy() throws(CgroupError) {
        try CgroupFiles.removeUpwards(directory, depth: placement.ownedDepth)
    }
}
