import Cgroups
import Glibc
import Linux
import Testing

/// The v1 manager on this machine's real hierarchies (skipped where the host runs v2).
struct CgroupV1KernelTests {
    @Test(.enabled(if: getuid() == 0 && Cgroups.version() == .v1))
    func createLimitStatsAndRemoveWithParents() throws {
        let project = "swctest\(getpid())"
        var limits = CgroupLimits()
        limits.memory = 64 << 20
        limits.pids = 17
        limits.cpus = 0.5
        let placement = try Cgroups.placement(project: project, id: "swc-cg1", limits: limits)
        #expect(Set(placement.directories.keys) == ["memory", "pids", "freezer", "cpuacct", "devices", "cpu"])
        let manager = Cgroups.manager(for: placement)
        defer { try? manager.destroy() }
        try manager.create(limits)
        let memory = try #require(placement.directories["memory"])
        let pids = try #require(placement.directories["pids"])
        #expect(try FileSystem.readString(memory + "/memory.limit_in_bytes") == "67108864\n")
        #expect(try FileSystem.readString(pids + "/pids.max") == "17\n")
        #expect(try FileSystem.readString(placement.directories["cpu"]! + "/cpu.cfs_quota_us") == "50000\n")
        // Docker's allow-list replaced the parent's "a *:* rwm".
        let devices = try FileSystem.readString(try #require(placement.directories["devices"]) + "/devices.list")
        #expect(devices == DeviceRule.defaults.dropFirst().map { "\($0)\n" }.joined())
        #expect(manager.stats().memoryLimit == 64 << 20)
        #expect(manager.processes().isEmpty)
        #expect(manager.oomKillCount() == 0)
        try manager.freeze()
        try manager.thaw()

        try manager.destroy()
        for path in placement.directories.values {
            #expect(!FileSystem.exists(path))
            // swcompose/<project> goes too; swcompose itself goes when no other project uses it.
            #expect(!FileSystem.exists(FileSystem.parentPath(of: path)))
        }
    }
}
