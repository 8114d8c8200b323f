import Glibc
import Linux

/// cgroup v1: one directory per controller hierarchy.
public struct CgroupV1: CgroupManager {
    public let placement: CgroupPlacement

    public init(placement: CgroupPlacement) { self.placement = placement }

    /// memory (OOM detection and stats), pids (process tracking), freezer (pause) and devices (which
    /// nodes a container may open) always; the rest only when a limit needs them, since each hierarchy
    /// costs a mkdir and an attach.
    static func controllers(for limits: CgroupLimits) -> [String] {
        // cpuacct too: `stats` reports CPU time for every container, limited or not.
        var result = ["memory", "pids", "freezer", "cpuacct", "devices"]
        if limits.cfsQuota != nil || limits.cpuShares != nil { result.append("cpu") }
        if limits.cpusetCpus != nil || limits.cpusetMems != nil { result.append("cpuset") }
        if limits.blkioWeight != nil { result.append("blkio") }
        return result
    }

    private func directory(_ controller: String) -> String? { placement.directories[controller] }

    public func create(_ limits: CgroupLimits) throws(CgroupError) {
        for (controller, path) in placement.directories.sorted(by: { $0.key < $1.key }) {
            try CgroupFiles.makeDirectory(path)
            // A new v1 cpuset starts empty and refuses tasks: inherit the parent's cpus and mems.
            if controller == "cpuset" {
                for file in ["cpuset.cpus", "cpuset.mems"] {
                    try inheritCpuset(file, path: path)
                }
            }
        }
        if let devices = directory("devices") { try restrictDevices(devices, limits.deviceRules) }
        try update(limits)
    }

    /// Each rule is one write in order, the kernel's own list semantics; an `a` rule resets the list,
    /// which a cgroup accepts only while it has no children, so this runs once, at creation.
    private func restrictDevices(_ directory: String, _ rules: [DeviceRule]) throws(CgroupError) {
        for rule in rules {
            try CgroupFiles.write(directory, rule.allow ? "devices.allow" : "devices.deny", rule.description)
        }
    }

    private func inheritCpuset(_ file: String, path: String) throws(CgroupError) {
        var chain: [String] = []
        var current = path
        while CgroupFiles.read(current, file)?.isEmpty ?? false {
            chain.append(current)
            current = FileSystem.parentPath(of: current)
        }
        guard let value = CgroupFiles.read(current, file) else { return }
        for directory in chain.reversed() { try CgroupFiles.write(directory, file, value) }
    }

    public func update(_ limits: CgroupLimits) throws(CgroupError) {
        if let memory = directory("memory") {
            if let limit = limits.memory { try CgroupFiles.write(memory, "memory.limit_in_bytes", "\(limit)") }
            // memsw must stay >= the memory limit, so it is written after it.
            if let swap = limits.memorySwap, FileSystem.exists(memory + "/memory.memsw.limit_in_bytes") {
                try CgroupFiles.write(memory, "memory.memsw.limit_in_bytes", "\(swap)")
            }
            if let reservation = limits.memoryReservation {
                try CgroupFiles.write(memory, "memory.soft_limit_in_bytes", "\(reservation)")
            }
        }
        if let cpu = directory("cpu") {
            if let (quota, period) = limits.cfsQuota {
                try CgroupFiles.write(cpu, "cpu.cfs_period_us", "\(period)")
                try CgroupFiles.write(cpu, "cpu.cfs_quota_us", "\(quota)")
            }
            if let shares = limits.cpuShares { try CgroupFiles.write(cpu, "cpu.shares", "\(shares)") }
        }
        if let cpuset = directory("cpuset") {
            if let cpus = limits.cpusetCpus { try CgroupFiles.write(cpuset, "cpuset.cpus", cpus) }
            if let mems = limits.cpusetMems { try CgroupFiles.write(cpuset, "cpuset.mems", mems) }
        }
        if let pids = directory("pids"), let max = limits.pids {
            try CgroupFiles.write(pids, "pids.max", max > 0 ? "\(max)" : "max")
        }
        if let blkio = directory("blkio"), let weight = limits.blkioWeight {
            // Without CFQ the weight lives in the BFQ file.
            let file = FileSystem.exists(blkio + "/blkio.weight") ? "blkio.weight" : "blkio.bfq.weight"
            try CgroupFiles.write(blkio, file, "\(weight)")
        }
    }

    public func attach(_ pid: pid_t) throws(CgroupError) {
        for (_, path) in placement.directories.sorted(by: { $0.key < $1.key }) {
            try CgroupFiles.write(path, "cgroup.procs", "\(pid)")
        }
    }

    public func cloneTarget() -> FileDescriptor? { nil }

    public func processes() -> [pid_t] {
        guard let directory = directory("pids") ?? placement.directories.values.first else { return [] }
        return CgroupFiles.pids(directory)
    }

    public func oomKillCount() -> Int {
        guard let memory = directory("memory") else { return 0 }
        return Int(CgroupFiles.field(memory, "memory.oom_control", "oom_kill") ?? 0)
    }

    public func freeze() throws(CgroupError) {
        guard let freezer = directory("freezer") else { return }
        try CgroupFiles.write(freezer, "freezer.state", "FROZEN")
    }

    public func thaw() throws(CgroupError) {
        guard let freezer = directory("freezer") else { return }
        try CgroupFiles.write(freezer, "freezer.state", "THAWED")
    }

    public func stats() -> CgroupStats {
        var stats = CgroupStats()
        if let cpuacct = directory("cpuacct") { stats.cpuUsageNanoseconds = CgroupFiles.number(cpuacct, "cpuacct.usage") }
        if let memory = directory("memory") {
            stats.memoryUsage = CgroupFiles.number(memory, "memory.usage_in_bytes")
            stats.memoryLimit = CgroupFiles.number(memory, "memory.limit_in_bytes")
        }
        if let pids = directory("pids") { stats.pids = CgroupFiles.number(pids, "pids.current") }
        if let blkio = directory("blkio"), let text = CgroupFiles.read(blkio, "blkio.throttle.io_service_bytes") {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ")
                guard parts.count == 3, let value = UInt64(parts[2]) else { continue }
                if parts[1] == "Read" { stats.blockReadBytes = (stats.blockReadBytes ?? 0) + value }
                if parts[1] == "Write" { stats.blockWriteBytes = (stats.blockWriteBytes ?? 0) + value }
            }
        }
        return stats
    }

    public func killAll(timeout: Double) -> Bool {
        // A frozen cgroup would hold the SIGKILLs pending forever.
        try? thaw()
        guard let directory = directory("pids") ?? placement.directories.values.first else { return true }
        return CgroupFiles.killAll(directory, timeout: timeout)
    }

    public func destroy() throws(CgroupError) {
        for (_, path) in placement.directories.sorted(by: { $0.key < $1.key }) {
            try CgroupFiles.removeUpwards(path, depth: placement.ownedDepth)
        }
    }
}
