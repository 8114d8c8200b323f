import Glibc
import Linux
import NetAddress

/// Measures per-container network setup (veth with peer in the netns, address, link up, default route)
/// through swcompose's rtnetlink path against the same steps done with `ip` commands.
/// For `swcompose-bench`; needs root, `unshare`, `nsenter` and `ip`. Creates only `swc` links on a
/// 10.213.250.0/24 bridge and removes them (and its namespaces) before returning.
public enum NetworkBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var containers: Int
        public var netlinkMicroseconds: Double
        public var ipCommandMicroseconds: Double

        public var description: String {
            let ratio = netlinkMicroseconds > 0 ? ipCommandMicroseconds / netlinkMicroseconds : 0
            return "network setup per container over \(containers): rtnetlink \(Int(netlinkMicroseconds)) µs, "
                + "ip commands \(Int(ipCommandMicroseconds)) µs (\(Int(ratio))x)"
        }
    }

    public static func run(containers: Int = 20, scratch: String = "/tmp") throws -> Result {
        var template = Array("\(scratch)/swcbench-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { throw Errno.current("mkdtemp", scratch) }
        let root = String(cString: made)
        defer { try? FileSystem.removeTree(root) }
        let project = "bench\(getpid())"
        let manager = try NetworkManager(stateRoot: StateRoot(root: root))
        defer { try? manager.deleteLinks(project: project) }
        let spec = NetworkSpec(name: "\(project)_default", project: project, ipam: [IPAMConfig(subnet: CIDR("10.213.250.0/24"))])
        let allocation = try manager.create(spec)

        let ours = try namespaces(containers)
        defer { ours.forEach { $0.stop() } }
        let start = Int64(Clock.monotonic() * 1e6)
        for (index, sandbox) in ours.enumerated() {
            _ = try manager.attach(endpoint: "c\(index)", namespace: sandbox.namespace, networks: [EndpointRequest(network: spec.name)])
        }
        let netlink = Double(Int64(Clock.monotonic() * 1e6) - start) / Double(containers)

        let theirs = try namespaces(containers)
        defer { theirs.forEach { $0.stop() } }
        let ipStart = Int64(Clock.monotonic() * 1e6)
        for (index, sandbox) in theirs.enumerated() {
            let host = NetworkNaming.hostLinkName()
            try command(["ip", "link", "add", host, "group", "\(allocation.group)", "type", "veth", "peer", "name", "eth0", "netns", "\(sandbox.pid)"])
            try command(["ip", "link", "set", host, "master", allocation.bridge, "up"])
            try command(["nsenter", "-t", "\(sandbox.pid)", "-n", "ip", "addr", "add", "10.213.250.\(100 + index)/24", "dev", "eth0"])
            try command(["nsenter", "-t", "\(sandbox.pid)", "-n", "ip", "link", "set", "eth0", "up"])
            try command(["nsenter", "-t", "\(sandbox.pid)", "-n", "ip", "link", "set", "lo", "up"])
            try command(["nsenter", "-t", "\(sandbox.pid)", "-n", "ip", "route", "add", "default", "via", "10.213.250.1"])
        }
        let ip = Double(Int64(Clock.monotonic() * 1e6) - ipStart) / Double(containers)
        try manager.remove(network: spec.name)
        return Result(containers: containers, netlinkMicroseconds: netlink, ipCommandMicroseconds: ip)
    }

    private final class Sandbox {
        let pid: pid_t
        let namespace: FileDescriptor
        init(pid: pid_t, namespace: FileDescriptor) {
            self.pid = pid
            self.namespace = namespace
        }
        func stop() {
            namespace.closeQuietly()
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    /// Processes each alone in a new network namespace, ready once their namespace differs from ours.
    private static func namespaces(_ count: Int) throws -> [Sandbox] {
        var result: [Sandbox] = []
        do {
            let own = linkTarget("/proc/self/ns/net")
            for _ in 0..<count {
                let pid = try spawn(["unshare", "-n", "sleep", "infinity"])
                var tries = 0
                while linkTarget("/proc/\(pid)/ns/net") == own && tries < 2000 { usleep(500); tries += 1 }
                result.append(Sandbox(pid: pid, namespace: try NetworkNamespace.open(pid: pid)))
            }
        } catch {
            result.forEach { $0.stop() }
            throw error
        }
        return result
    }

    private static func linkTarget(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink(path, &buffer, 63)
        return count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }

    private static func command(_ arguments: [String]) throws {
        let pid = try spawn(arguments)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        if status != 0 { throw Errno(EIO, call: arguments.joined(separator: " "), subject: "exit status \(status)") }
    }

    private static func spawn(_ arguments: [String]) throws(Errno) -> pid_t {
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let result = posix_spawnp(&pid, arguments[0], nil, nil, argv, environ)
        if result != 0 { throw Errno(result, call: "posix_spawn", subject: arguments[0]) }
        return pid
    }
}
