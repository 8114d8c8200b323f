import Glibc
import Linux

/// One container's cgroup, whatever the version: create with limits, attach, observe, freeze, destroy.
public protocol CgroupManager: Sendable {
    /// Where the cgroup lives; stored in the container's state so removal never has to guess.
    var placement: CgroupPlacement { get }
    func create(_ limits: CgroupLimits) throws(CgroupError)
    func update(_ limits: CgroupLimits) throws(CgroupError)
    func attach(_ pid: pid_t) throws(CgroupError)
    /// A directory descriptor for clone3(CLONE_INTO_CGROUP), when the version supports it.
    func cloneTarget() -> FileDescriptor?
    func processes() -> [pid_t]
    /// How many times the kernel's OOM killer has killed a process in this cgroup.
    func oomKillCount() -> Int
    func freeze() throws(CgroupError)
    func thaw() throws(CgroupError)
    func stats() -> CgroupStats
    /// SIGKILLs every process and waits (up to `timeout` seconds) until the cgroup is empty.
    func killAll(timeout: Double) -> Bool
    /// Removes the container's directories and the `swcompose/<project>` and `swcompose` parents once empty.
    func destroy() throws(CgroupError)
}

/// Where a container's cgroup directories are: the version and, per v1 controller (or "unified"), a path.
public struct CgroupPlacement: Codable, Sendable, Equatable {
    public enum Version: Int, Codable, Sendable { case v1 = 1, v2 = 2 }
    public var version: Version
    public var directories: [String: String]
    /// How many trailing components are ours (`swcompose/<project>/<id>`): removal stops there.
    public var ownedDepth: Int

    public init(version: Version, directories: [String: String], ownedDepth: Int = 3) {
        self.version = version
        self.directories = directories
        self.ownedDepth = ownedDepth
    }
}

public enum Cgroups {
    public static let parentName = "swcompose"

    /// Probes once: a pure unified mount at `mountPoint` means v2, otherwise v1 hierarchies under it.
    public static func version(mountPoint: String = "/sys/fs/cgroup") -> CgroupPlacement.Version {
        FileSystem.exists(mountPoint + "/cgroup.controllers") ? .v2 : .v1
    }

    /// The placement for a new container: `<hierarchy>/<our own cgroup>/swcompose/<project>/<id>`.
    /// Nesting under our own cgroup keeps containers inside whatever limits the caller already lives in.
    public static func placement(
        project: String, id: String, limits: CgroupLimits, mountPoint: String = "/sys/fs/cgroup"
    ) throws(CgroupError) -> CgroupPlacement {
        let own: [String: String]
        do { own = try ProcFS.cgroups() } catch { throw CgroupError("read /proc/self/cgroup", error) }
        let leaf = "\(parentName)/\(project)/\(id)"
        switch version(mountPoint: mountPoint) {
        case .v2:
            return CgroupPlacement(version: .v2, directories: ["unified": join(mountPoint, own[""] ?? "/", leaf)])
        case .v1:
            var directories: [String: String] = [:]
            for controller in CgroupV1.controllers(for: limits) where FileSystem.isDirectory("\(mountPoint)/\(controller)") {
                directories[controller] = join("\(mountPoint)/\(controller)", own[controller] ?? "/", leaf)
            }
            return CgroupPlacement(version: .v1, directories: directories)
        }
    }

    public static func manager(for placement: CgroupPlacement) -> any CgroupManager {
        switch placement.version {
        case .v1: CgroupV1(placement: placement)
        case .v2: CgroupV2(placement: placement)
        }
    }

    static func join(_ base: String, _ middle: String, _ leaf: String) -> String {
        var path = base
        if middle != "/" { path += middle }
        return path + "/" + leaf
    }
}

/// File plumbing shared by both versions.
enum CgroupFiles {
    static func write(_ directory: String, _ file: String, _ value: String) throws(CgroupError) {
        let path = "\(directory)/\(file)"
        do {
            try FileSystem.overwrite(path, value)
        } catch {
            throw CgroupError("set \(file)=\(value) in \(directory)", error)
        }
    }

    static func read(_ directory: String, _ file: String) -> String? {
        (try? FileSystem.readString("\(directory)/\(file)")).map { $0.trimmingCharacters(in: "\n ") }
    }

    static func number(_ directory: String, _ file: String) -> UInt64? {
        read(directory, file).flatMap { UInt64($0) }
    }

    /// The value after `key` in a "key value" per line file (memory.events, cpu.stat, oom_control).
    static func field(_ directory: String, _ file: String, _ key: String) -> UInt64? {
        guard let text = read(directory, file) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 && parts[0] == key { return UInt64(parts[1]) }
        }
        return nil
    }

    static func pids(_ directory: String) -> [pid_t] {
        (read(directory, "cgroup.procs") ?? "").split(separator: "\n").compactMap { pid_t($0) }
    }

    static func makeDirectory(_ path: String) throws(CgroupError) {
        do { try FileSystem.createDirectory(path) } catch { throw CgroupError("create cgroup \(path)", error) }
    }

    /// rmdir the leaf and then up to `depth` parents, stopping at the first that is still in use.
    static func removeUpwards(_ path: String, depth: Int) throws(CgroupError) {
        var current = path
        for level in 0..<depth {
            if rmdir(current) != 0 {
                let code = errno
                if code == ENOENT {
                } else if level > 0 && (code == EBUSY || code == ENOTEMPTY) {
                    return
                } else {
                    throw CgroupError("remove cgroup \(current)", Errno(code, call: "rmdir", subject: current))
                }
            }
            current = FileSystem.parentPath(of: current)
        }
    }

    static func killAll(_ directory: String, timeout: Double) -> Bool {
        let deadline = Clock.monotonic() + timeout
        while true {
            let pids = pids(directory)
            if pids.isEmpty { return true }
            for pid in pids { kill(pid, SIGKILL) }
            if Clock.monotonic() > deadline { return false }
            usleep(2000)
        }
    }

}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
