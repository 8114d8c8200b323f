import Cgroups
import Glibc
import Linux
import Testing

/// The v2 manager against a fake hierarchy in a temp dir: only its file writes are checked.
struct CgroupV2FileTests {
    @Test func createWritesLimitsAndDelegatesControllers() throws {
        var template = Array("/tmp/swc-cg2-XXXXXX".utf8CString)
        let base = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileSystem.removeTree(base) }
        let leaf = "\(base)/own/swcompose/proj/swc-c1"
        try FileSystem.createDirectory(leaf)
        let files = ["memory.max", "memory.swap.max", "memory.low", "cpu.max", "cpu.weight", "pids.max", "io.weight",
                     "cgroup.procs", "cgroup.freeze", "memory.events"]
        for file in files { try FileSystem.writeAtomically("\(leaf)/\(file)", "") }
        for dir in ["own", "own/swcompose", "own/swcompose/proj"] {
            try FileSystem.writeAtomically("\(base)/\(dir)/cgroup.subtree_control", "")
        }
        var limits = CgroupLimits()
        limits.memory = 64 << 20
        limits.memorySwap = 96 << 20
        limits.memoryReservation = 32 << 20
        limits.cpus = 1.5
        limits.cpuShares = 512
        limits.pids = 20
        limits.blkioWeight = 500
        let manager = Cgroups.manager(for: CgroupPlacement(version: .v2, directories: ["unified": leaf]))
        // The device filter is attached last; a plain directory refuses it, and create fails rather than
        // leave the container's devices open (DeviceFilterTests attach it to a real cgroup).
        #expect {
            try manager.create(limits)
        } throws: { "\($0)".hasPrefix("attach the device filter to \(leaf): ") }
        func read(_ file: String) throws -> String { try FileSystem.readString("\(leaf)/\(file)") }
        #expect(try read("memory.max") == "67108864")
        #expect(try read("memory.swap.max") == "33554432")
        #expect(try read("memory.low") == "33554432")
        #expect(try read("cpu.max") == "150000 100000")
        #expect(try read("cpu.weight") == "20")
        #expect(try read("pids.max") == "20")
        #expect(try read("io.weight") == "4950")
        #expect(try FileSystem.readString("\(base)/own/cgroup.subtree_control") == "+memory +pids +cpu +io")
        #expect(try FileSystem.readString("\(base)/own/swcompose/proj/cgroup.subtree_control") == "+memory +pids +cpu +io")

        try manager.freeze()
        #expect(try read("cgroup.freeze") == "1")
        try FileSystem.writeAtomically("\(leaf)/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n")
        #expect(manager.oomKillCount() == 2)
        try manager.attach(4242)
        #expect(try read("cgroup.procs") == "4242")
    }

    @Test func limitsTranslateCpus() {
        var limits = CgroupLimits()
        #expect(limits.cfsQuota == nil)
        limits.cpus = 0.5
        limits.cpuPeriod = 50_000
        #expect(limits.cfsQuota?.quota == 25_000 && limits.cfsQuota?.period == 50_000)
    }
}
