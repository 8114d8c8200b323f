import Foundation
import Glibc
import Linux
import Testing

/// The `outbound` setting, end to end and never in the host's network namespace: the CLI (and so its
/// supervisors, bridges, sysctls and nf_tables rules) runs in a namespace `inner` the test makes, whose
/// default route is a veth to a second namespace `outside` standing in for the internet. No packet leaves
/// these two namespaces; the host's forwarding sysctls are checked unchanged.
@Suite(.serialized) struct OutboundTests {
    /// Two fresh network namespaces, each held by a `sleep` (killed by PID in `close`), joined by a veth:
    /// inner 10.213.77.2/24 with its default route via outside's 10.213.77.1.
    final class Namespaces {
        let inner: pid_t
        let outside: pid_t
        static let innerAddress = "10.213.77.2"
        static let outsideAddress = "10.213.77.1"

        init() throws {
            inner = try Self.holder()
            do { outside = try Self.holder() } catch {
                Self.end(inner)
                throw error
            }
            let suffix = String(UInt32.random(in: 0..<UInt32.max) % 100_000)
            for command in [
                ["ip", "link", "set", "lo", "up"],
                ["ip", "link", "add", "swcu\(suffix)", "type", "veth", "peer", "name", "swco\(suffix)", "netns", "/proc/\(outside)/ns/net"],
                ["ip", "addr", "add", "\(Self.innerAddress)/24", "dev", "swcu\(suffix)"],
                ["ip", "link", "set", "swcu\(suffix)", "up"],
                ["ip", "route", "add", "default", "via", Self.outsideAddress],
            ] {
                try run(in: inner, command)
            }
            for command in [
                ["ip", "link", "set", "lo", "up"],
                ["ip", "addr", "add", "\(Self.outsideAddress)/24", "dev", "swco\(suffix)"],
                ["ip", "link", "set", "swco\(suffix)", "up"],
            ] {
                try run(in: outside, command)
            }
        }

        /// Ends both holders; the namespaces (and the veth) go with their last process.
        func close() {
            Self.end(inner)
            Self.end(outside)
        }

        static func nsenter(_ pid: pid_t) -> [String] { ["/usr/bin/nsenter", "-t", "\(pid)", "-n"] }

        @discardableResult
        func run(in pid: pid_t, _ command: [String]) throws -> Stack.Result {
            let result = Stack.exec(Self.nsenter(pid) + command, environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"], cwd: "/")
            try #require(result.status == 0, "\(command.joined(separator: " ")): \(result.stderr)")
            return result
        }

        /// A listening TCP socket on outside's address, made inside `outside`.
        func outsideListener(port: UInt16) throws -> FileDescriptor {
            let namespace = try NetworkNamespace.open(pid: outside)
            defer { namespace.closeQuietly() }
            return try NetworkNamespace.withEntered(namespace) {
                try InetSocket.listener(SocketAddress(address: [10, 213, 77, 1], port: port), .stream)
            }
        }

        /// A bounded `sleep` in a new network namespace, once it is really in it.
        private static func holder() throws -> pid_t {
            let pid = try Spawn(executable: "/usr/bin/unshare", arguments: ["unshare", "-n", "sleep", "600"]).run()
            let namespace = { (path: String) in try? FileManager.default.destinationOfSymbolicLink(atPath: path) }
            let ours = namespace("/proc/self/ns/net")
            for _ in 0..<2000 where namespace("/proc/\(pid)/ns/net") == ours {
                usleep(1000)
            }
            return pid
        }

        private static func end(_ pid: pid_t) {
            kill(pid, SIGKILL)
            _ = try? Linux.Process.wait(pid)
        }
    }

    static let compose = """
    services:
      client:
        image: localhost/busybox:test
        command: \(NetworkTests.idle)
        stop_grace_period: 1s
      quiet:
        image: localhost/busybox:test
        command: \(NetworkTests.idle)
        stop_grace_period: 1s
        networks: [quiet]
      web:
        image: localhost/busybox:test
        command: \(NetworkTests.httpd("inside"))
        stop_grace_period: 1s
    networks:
      quiet:
        driver_opts:
          com.docker.network.bridge.enable_ip_masquerade: "false"
    """

    /// Accepts on another thread while `body` runs (busybox nc keeps its connection until the server closes
    /// it); returns what `body` returned and the peer address of the first connection, or nil.
    static func acceptingPeer(_ listener: FileDescriptor, within seconds: Double, _ body: () -> Stack.Result) -> (Stack.Result, String?) {
        final class Box: @unchecked Sendable { var peer: String? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.peer = acceptPeer(listener, within: seconds)
            done.signal()
        }.start()
        let result = body()
        done.wait()
        return (result, box.peer)
    }

    /// The peer address of the first connection accepted within `seconds`, or nil.
    static func acceptPeer(_ listener: FileDescriptor, within seconds: Double) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let connection = try? InetSocket.accept(listener) {
                defer { connection.closeQuietly() }
                var peer = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                _ = withUnsafeMutablePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(connection.rawValue, $0, &length) }
                }
                return withUnsafeBytes(of: peer.sin_addr.s_addr) { $0.map(String.init).joined(separator: ".") }
            }
            usleep(20_000)
        }
        return nil
    }

    static func hostForwarding() -> [String] {
        ["/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv4/conf/all/forwarding", "/proc/sys/net/ipv6/conf/all/forwarding"]
            .map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "absent" }
    }

    /// Brings `compose` up inside `inner` with `settings` as the settings file (none when nil), runs `body`,
    /// then takes it down and checks the host's forwarding sysctls never moved.
    func withStack(settings: String?, _ body: (Stack, Namespaces) throws -> Void) throws {
        let hostBefore = Self.hostForwarding()
        let namespaces = try Namespaces()
        defer {
            namespaces.close()
            #expect(Self.hostForwarding() == hostBefore, "host forwarding sysctls changed")
        }
        var stack = try Stack(Self.compose, name: "out")
        stack.wrapper = Namespaces.nsenter(namespaces.inner)
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty, "\(stack.leaks())")
        }
        try FileManager.default.createDirectory(atPath: stack.root, withIntermediateDirectories: true)
        if let settings { try settings.write(toFile: stack.root + "/settings.json", atomically: true, encoding: .utf8) }
        try stack.upDetached()
        try body(stack, namespaces)
    }

    func connectOut(_ stack: Stack, from service: String) -> Stack.Result {
        stack.run(["exec", "-T", service, "sh", "-c", "echo hi | nc -w 3 \(Namespaces.outsideAddress) 8080"])
    }

    @Test func outboundMasqueradesThroughTheUplinkAndKeepsTheLANOut() throws {
        try withStack(settings: #"{"outbound": true}"#) { stack, namespaces in
            let listener = try namespaces.outsideListener(port: 8080)
            defer { listener.closeQuietly() }

            let (out, peer) = Self.acceptingPeer(listener, within: 5) { connectOut(stack, from: "client") }
            #expect(out.status == 0, "nc from client: \(out.stderr)")
            #expect(peer == Namespaces.innerAddress, "outside must see the uplink address")

            // enable_ip_masquerade "false": that network stays closed.
            let (quiet, quietPeer) = Self.acceptingPeer(listener, within: 4) { connectOut(stack, from: "quiet") }
            #expect(quiet.status != 0, "quiet reached outside: \(quiet.stdout)")
            #expect(quietPeer == nil)

            // The uplink forwards now, yet the outside cannot open connections to a container.
            let web = NetworkTests().address(stack, "web")
            let subnet = try #require(web).split(separator: ".").prefix(2).joined(separator: ".") + ".0.0/16"
            try namespaces.run(in: namespaces.outside, ["ip", "route", "add", subnet, "via", Namespaces.innerAddress])
            let lan = Stack.exec(Namespaces.nsenter(namespaces.outside) + ["/usr/bin/busybox", "nc", "-w", "2", web!, "80"],
                                 environment: [:], cwd: "/")
            #expect(lan.status != 0, "outside reached web: \(lan.stdout)")

            let tables = try namespaces.run(in: namespaces.inner, ["nft", "list", "tables"]).stdout
            #expect(tables.contains("swcompose-\(stack.project)"))
            // Rules go with the networks even when the supervisors died first.
            stack.killSupervisors()
            let down = stack.run(["down", "-t", "1"])
            #expect(down.status == 0, "down: \(down.stderr)")
            let after = try namespaces.run(in: namespaces.inner, ["nft", "list", "tables"]).stdout
            #expect(!after.contains("swcompose-\(stack.project)"), "table left after down: \(after)")
        }
    }

    @Test func withoutTheSettingContainersStayInside() throws {
        try withStack(settings: nil) { stack, namespaces in
            let listener = try namespaces.outsideListener(port: 8080)
            defer { listener.closeQuietly() }
            let (out, peer) = Self.acceptingPeer(listener, within: 4) { connectOut(stack, from: "client") }
            #expect(out.status != 0, "client reached outside: \(out.stdout)")
            #expect(peer == nil)
            let tables = try namespaces.run(in: namespaces.inner, ["nft", "list", "tables"]).stdout
            #expect(tables.isEmpty, "nftables touched with the setting off: \(tables)")
        }
    }

    @Test func badSettingsNameTheFile() throws {
        let namespaces = try Namespaces()
        defer { namespaces.close() }
        var stack = try Stack(Self.compose, name: "outbad")
        stack.wrapper = Namespaces.nsenter(namespaces.inner)
        defer { stack.tearDown() }
        try FileManager.default.createDirectory(atPath: stack.root, withIntermediateDirectories: true)
        try #"{"outbund": true}"#.write(toFile: stack.root + "/settings.json", atomically: true, encoding: .utf8)
        stack.importBusybox()
        let up = stack.run(["up", "-d"])
        #expect(up.status != 0)
        #expect(up.stderr.contains("settings file \(stack.root)/settings.json: unknown key \"outbund\""), "\(up.stderr)")
    }
}
