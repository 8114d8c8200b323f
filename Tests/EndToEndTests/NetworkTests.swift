import Foundation
import Glibc
import Linux
import Testing

/// Compose networking as a user sees it: names resolved by the embedded DNS, isolation between networks,
/// published ports on loopback, IPAM avoiding the host's subnets, and nothing left after `down`.
/// Traffic goes only to loopback and to the bridges these stacks create.
@Suite(.serialized) struct NetworkTests {
    static let idle = #"["sh", "-c", "trap 'exit 0' TERM; sleep inf & wait"]"#

    /// A busybox httpd serving `text` at / on port 80.
    static func httpd(_ text: String) -> String {
        #"["sh", "-c", "echo \#(text) > /tmp/index.html; exec httpd -f -p 80 -h /tmp"]"#
    }

    /// Brings `compose` up, runs `body`, then takes it down and checks that no kernel object of it is left.
    func withStack(_ compose: String, name: String, prepare: (Stack) throws -> Void = { _ in },
                   _ body: (Stack) throws -> Void) throws {
        let stack = try Stack(compose, name: name)
        var links: [String] = []
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty, "\(stack.leaks())")
            #expect(links.filter(Self.linkExists).isEmpty, "links left: \(links.filter(Self.linkExists))")
        }
        try prepare(stack)
        stack.importBusybox()
        let up = stack.run(["up", "-d"])
        links = projectLinks(stack)
        try #require(up.status == 0, "up: \(up.stderr)")
        try body(stack)
    }

    func exec(_ stack: Stack, _ service: String, _ command: [String]) -> Stack.Result {
        stack.run(["exec", "-T", service] + command)
    }

    /// `wget` from inside `service`, retried briefly: a server started by `up -d` may not listen yet.
    /// `timeout` rather than `wget -T`, which crashes in Debian's busybox 1.35.
    func fetch(_ stack: Stack, from service: String, _ url: String, attempts: Int = 20) -> String? {
        for _ in 0..<attempts {
            let result = exec(stack, service, ["timeout", "3", "wget", "-q", "-O", "-", url])
            if result.status == 0 { return result.stdout }
            Thread.sleep(forTimeInterval: 0.15)
        }
        return nil
    }

    /// The container's IPv4 address on `interface`, from `ip -o -4 addr`.
    func address(_ stack: Stack, _ service: String, interface: String = "eth0") -> String? {
        let output = exec(stack, service, ["ip", "-o", "-4", "addr", "show", "dev", interface]).stdout
        guard let range = output.range(of: #"inet [0-9.]+"#, options: .regularExpression) else { return nil }
        return String(output[range].dropFirst(5))
    }

    /// The stack's bridges (named by its IPAM records) and the veths enslaved to them.
    func projectLinks(_ stack: Stack) -> [String] {
        let records = (try? FileManager.default.contentsOfDirectory(atPath: stack.root + "/lib/networks")) ?? []
        let bridges = records.filter { $0.hasPrefix("swc") && $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        return bridges + bridges.flatMap { (try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net/\($0)/brif")) ?? [] }
    }

    static func sameSlash16(_ a: String, _ b: String) -> Bool {
        a.split(separator: ".").prefix(2) == b.split(separator: ".").prefix(2)
    }

    static func linkExists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/sys/class/net/\(name)")
    }

    // MARK: names and isolation

    static let namesCompose = """
    services:
      web:
        image: localhost/busybox:test
        command: \(httpd("hello-web"))
        stop_grace_period: 1s
        networks:
          front:
            aliases: [webalias]
      client:
        image: localhost/busybox:test
        command: \(idle)
        networks: [front]
      both:
        image: localhost/busybox:test
        command: \(httpd("hello-both"))
        stop_grace_period: 1s
        networks: [front, back]
      outsider:
        image: localhost/busybox:test
        command: \(idle)
        networks: [back]
    networks:
      front: {}
      back: {}
    """

    @Test func servicesOnOneNetworkReachEachOtherByServiceAliasAndContainerName() throws {
        try withStack(Self.namesCompose, name: "names") { stack in
            for name in ["web", "webalias", "\(stack.project)-web-1"] {
                #expect(fetch(stack, from: "client", "http://\(name)/") == "hello-web\n", "by \(name)")
            }
            let lookup = exec(stack, "client", ["nslookup", "web"])
            let webAddress = try #require(address(stack, "web"))
            #expect(lookup.status == 0 && lookup.stdout.contains(webAddress), "\(lookup.stdout)\(lookup.stderr)")
        }
    }

    @Test func anotherNetworkCannotResolveOrReachThemButAServiceOnBothIsReachableFromBoth() throws {
        try withStack(Self.namesCompose, name: "isolate") { stack in
            let lookup = exec(stack, "outsider", ["nslookup", "web"])
            #expect(lookup.status != 0)
            #expect((lookup.stdout + lookup.stderr).contains("NXDOMAIN"), "\(lookup.stdout)\(lookup.stderr)")
            let webAddress = try #require(address(stack, "web"))
            #expect(fetch(stack, from: "outsider", "http://\(webAddress)/", attempts: 1) == nil)

            #expect(fetch(stack, from: "client", "http://both/") == "hello-both\n")
            #expect(fetch(stack, from: "outsider", "http://both/") == "hello-both\n")
            // Each network resolves `both` to its address on that network: the asker's own /16.
            let addresses = [address(stack, "both", interface: "eth0"), address(stack, "both", interface: "eth1")].compactMap { $0 }
            try #require(addresses.count == 2 && addresses[0] != addresses[1], "\(addresses)")
            for asker in ["client", "outsider"] {
                let own = try #require(address(stack, asker))
                let expected = try #require(addresses.first { Self.sameSlash16($0, own) }, "\(asker) \(own) shares no subnet with \(addresses)")
                let answer = exec(stack, asker, ["nslookup", "both"]).stdout
                #expect(answer.contains(expected) && !answer.contains(addresses.first { $0 != expected }!), "\(asker): \(answer)")
            }
        }
    }

    // MARK: published ports

    /// A UDP echo server, built static on the host and bound into the container: this busybox has no `nc -u`.
    static let udpEchoSource = """
    #include <netinet/in.h>
    #include <stdlib.h>
    #include <sys/socket.h>
    int main(int argc, char **argv) {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
        if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) return 1;
        for (;;) {
            char buffer[2048];
            struct sockaddr_in peer;
            socklen_t length = sizeof peer;
            ssize_t count = recvfrom(fd, buffer, sizeof buffer, 0, (struct sockaddr *)&peer, &length);
            if (count > 0) sendto(fd, buffer, count, 0, (struct sockaddr *)&peer, length);
        }
    }
    """

    func buildUDPEcho(into stack: Stack) throws {
        try stack.write(Self.udpEchoSource, to: "udpecho.c")
        let cc = Stack.exec(["/usr/bin/cc", "-static", "-O1", "-o", stack.directory + "/udpecho", stack.directory + "/udpecho.c"],
                            environment: ["PATH": "/usr/bin:/bin"], cwd: stack.directory)
        try #require(cc.status == 0, "cc: \(cc.stderr)")
    }

    static func portsCompose(tcp: Int, udp: Int) -> String {
        """
        services:
          web:
            image: localhost/busybox:test
            command: ["sh", "-c", "/udpecho/udpecho 9999 & echo hello-host > /tmp/index.html; exec httpd -f -p 80 -h /tmp"]
            stop_grace_period: 1s
            volumes: ["./udpecho:/udpecho/udpecho:ro"]
            ports:
              - "127.0.0.1:\(tcp):80"
              - "127.0.0.1:\(udp):9999/udp"
          random:
            image: localhost/busybox:test
            command: \(httpd("hello-random"))
            stop_grace_period: 1s
            ports:
              - "127.0.0.1::80"
              - target: 9999
                host_ip: 127.0.0.1
                protocol: udp
        """
    }

    /// The host's client: busybox wget to loopback, retried while the server starts.
    func hostFetch(_ url: String) -> String? {
        for _ in 0..<20 {
            let result = Stack.exec(["/bin/busybox", "timeout", "3", "/bin/busybox", "wget", "-q", "-O", "-", url],
                                    environment: [:], cwd: "/")
            if result.status == 0 { return result.stdout }
            Thread.sleep(forTimeInterval: 0.15)
        }
        return nil
    }

    /// Sends `payload` to 127.0.0.1:`port` over UDP and returns the first reply, retrying while the echo starts.
    func udpEcho(port: UInt16, _ payload: String) throws -> String? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 0, tv_usec: 300_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        for _ in 0..<20 {
            let sent = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, payload, payload.utf8.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            try #require(sent == payload.utf8.count)
            var buffer = [UInt8](repeating: 0, count: 2048)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 { return String(decoding: buffer[..<count], as: UTF8.self) }
        }
        return nil
    }

    @Test func publishedPortsServeTheHostOverTCPAndUDPAndPortPrintsRandomOnes() throws {
        let tcp = Int.random(in: 20000..<30000), udp = Int.random(in: 30000..<40000)
        try withStack(Self.portsCompose(tcp: tcp, udp: udp), name: "ports", prepare: buildUDPEcho) { stack in
            #expect(hostFetch("http://127.0.0.1:\(tcp)/") == "hello-host\n")
            let echoed = try udpEcho(port: UInt16(udp), "ping-udp")
            #expect(echoed == "ping-udp")
            #expect(stack.run(["port", "web", "80"]).stdout == "127.0.0.1:\(tcp)\n")
            #expect(stack.run(["port", "--protocol", "udp", "web", "9999"]).stdout == "127.0.0.1:\(udp)\n")

            // Random host ports: `port` prints exactly what was bound, and that address serves.
            let random = stack.run(["port", "random", "80"])
            #expect(random.status == 0, "\(random.stderr)")
            let printed = random.stdout.trimmingCharacters(in: .newlines)
            let parts = printed.split(separator: ":")
            #expect(parts.count == 2 && parts[0] == "127.0.0.1" && (UInt16(parts[1]) ?? 0) > 0, "\(printed)")
            #expect(hostFetch("http://\(printed)/") == "hello-random\n")
            let randomUDP = stack.run(["port", "--protocol", "udp", "random", "9999"])
            #expect(randomUDP.status == 0 && randomUDP.stdout.hasPrefix("127.0.0.1:"), "\(randomUDP.stdout)\(randomUDP.stderr)")
            #expect(stack.run(["port", "--protocol", "udp", "random", "80"]).status != 0)
        }
    }

    // MARK: IPAM and down

    /// Runs `ip` on the host for the test's own `swc` bridge.
    @discardableResult
    func ip(_ arguments: [String]) -> Stack.Result {
        Stack.exec(["/usr/sbin/ip"] + arguments, environment: [:], cwd: "/")
    }

    @Test func ipamSkipsASubnetTheHostAlreadyHas() throws {
        let bridge = "swc" + String(UInt64.random(in: 0...UInt64.max), radix: 16).suffix(12)
        // Down, so the kernel adds no 172.17.0.0/16 route that could disturb stacks of suites running alongside;
        // an address is enough for the host's subnets. The last host of the /16, which no stack hands out first.
        try #require(ip(["link", "add", bridge, "type", "bridge"]).status == 0)
        defer { ip(["link", "del", bridge]) }
        try #require(ip(["addr", "add", "172.17.255.254/16", "dev", bridge]).status == 0)
        let compose = "services:\n  a:\n    image: localhost/busybox:test\n    command: \(Self.idle)\n"
        try withStack(compose, name: "ipam") { stack in
            let assigned = try #require(address(stack, "a"))
            #expect(!assigned.hasPrefix("172.17."), "\(assigned)")
        }
    }

    @Test func downRemovesLinksAllocationsAndNames() throws {
        let stack = try Stack(Self.namesCompose, name: "down")
        defer { stack.tearDown() }
        stack.importBusybox()
        try #require(stack.run(["up", "-d"]).status == 0)
        let links = projectLinks(stack)
        #expect(links.count == 2 + 5, "two bridges and five veths: \(links)")
        #expect(!files(under: stack.root + "/run/dns").isEmpty)

        let down = stack.run(["down", "-t", "1"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(links.filter(Self.linkExists).isEmpty, "\(links.filter(Self.linkExists))")
        #expect(files(under: stack.root + "/lib/networks").filter { $0.hasSuffix(".json") }.isEmpty)
        #expect(files(under: stack.root + "/run/networks").isEmpty, "\(files(under: stack.root + "/run/networks"))")
        #expect(files(under: stack.root + "/run/dns").isEmpty, "\(files(under: stack.root + "/run/dns"))")
        #expect(stack.leaks().isEmpty, "\(stack.leaks())")
    }

    /// docker's `down -p NAME` without a compose file: the project's containers, networks and (`-v`) the
    /// volumes it created go, found from the state root; an external volume stays.
    @Test func downByNameWithoutComposeFileRemovesWhatTheProjectMade() throws {
        let stack = try Stack("", name: "byname")
        defer { stack.tearDown() }
        let compose = """
        services:
          web:
            image: localhost/busybox:test
            command: ["sh", "-c", "trap 'exit 0' TERM; sleep inf & wait"]
            volumes: ["data:/data", "shared:/shared"]
            networks: [front, back]
          worker:
            image: localhost/busybox:test
            command: ["sh", "-c", "trap 'exit 0' TERM; sleep inf & wait"]
        networks: {front: {}, back: {}}
        volumes:
          data: {}
          shared: {external: true, name: \(stack.project)-shared}
        """
        try stack.write(compose, to: "compose.yaml")
        let volumes = stack.root + "/lib/volumes"
        try FileManager.default.createDirectory(atPath: "\(volumes)/\(stack.project)-shared/_data", withIntermediateDirectories: true)
        try stack.upDetached()
        let links = projectLinks(stack)
        #expect(links.count == 3 + 3, "three bridges and three veths: \(links)")
        try FileManager.default.removeItem(atPath: stack.directory + "/compose.yaml")

        let down = stack.runByName(["down", "-t", "1"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: stack.root + "/lib/containers")) ?? []).isEmpty)
        #expect(links.filter(Self.linkExists).isEmpty, "\(links.filter(Self.linkExists))")
        #expect(files(under: stack.root + "/lib/networks").filter { $0.hasSuffix(".json") }.isEmpty)
        #expect(stack.leaks().isEmpty, "\(stack.leaks())")
        #expect(FileManager.default.fileExists(atPath: "\(volumes)/\(stack.project)_data/_data"))

        let downVolumes = stack.runByName(["down", "-v"])
        #expect(downVolumes.status == 0, "\(downVolumes.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(volumes)/\(stack.project)_data"))
        #expect(FileManager.default.fileExists(atPath: "\(volumes)/\(stack.project)-shared/_data"))
    }

    /// Regular files below `directory`, relative to it.
    func files(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        return walker.compactMap { $0 as? String }.filter { !FileManager.default.isDirectory(directory + "/" + $0) }
    }

    // MARK: per-service network options

    /// The container's recorded spec (`config.json`) as JSON, found by container name.
    func spec(_ stack: Stack, container name: String) -> [String: Any]? {
        let directory = stack.root + "/lib/containers"
        for id in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(id)/config.json"),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  (json["container"] as? [String: Any])?["name"] as? String == name else { continue }
            return json
        }
        return nil
    }

    static let optionsCompose = """
    services:
      isolated:
        image: localhost/busybox:test
        command: \(idle)
        network_mode: none
      hostnet:
        image: localhost/busybox:test
        command: \(idle)
        network_mode: host
      inside:
        image: localhost/busybox:test
        command: \(idle)
        networks: [private]
        extra_hosts: ["db.example:10.9.8.7", "other.example=10.9.8.6"]
        dns_search: [corp.example]
        dns_opt: ["ndots:2"]
        expose: ["8080", "53/udp"]
    networks:
      private:
        internal: true
    """

    @Test func networkModesInternalNetworksAndEtcFiles() throws {
        try withStack(Self.optionsCompose, name: "opts") { stack in
            let links = exec(stack, "isolated", ["ip", "-o", "link"]).stdout.split(separator: "\n")
            #expect(links.count == 1 && links[0].contains(": lo:") && links[0].contains("UP"), "\(links)")

            let hostNamespace = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
            #expect(exec(stack, "hostnet", ["readlink", "/proc/self/ns/net"]).stdout == hostNamespace + "\n")

            let routes = exec(stack, "inside", ["ip", "route"])
            #expect(routes.status == 0 && !routes.stdout.isEmpty && !routes.stdout.contains("default"), "\(routes.stdout)")
            let hosts = exec(stack, "inside", ["cat", "/etc/hosts"]).stdout
            #expect(hosts.contains("10.9.8.7\tdb.example\n") && hosts.contains("10.9.8.6\tother.example\n"), "\(hosts)")
            let resolv = exec(stack, "inside", ["cat", "/etc/resolv.conf"]).stdout
            #expect(resolv.contains("nameserver 127.0.0.11"), "\(resolv)")
            #expect(resolv.contains("search corp.example"), "\(resolv)")
            #expect(resolv.contains("options ndots:2"), "\(resolv)")
            let extra = exec(stack, "isolated", ["cat", "/etc/hosts"]).stdout
            #expect(extra.contains("127.0.0.1\tlocalhost"), "\(extra)")

            // expose is recorded with the container's network, as docker's ExposedPorts; it opens nothing.
            let network = try #require(spec(stack, container: "\(stack.project)-inside-1")?["network"] as? [String: Any])
            #expect(network["exposedPorts"] as? [String] == ["8080/tcp", "53/udp"])
        }
    }
}

extension FileManager {
    func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    @Test func serviceNetworkModeSharesTheTargetsNamespace() throws {
        let stack = try Stack("""
        services:
          web:
            image: localhost/busybox:test
            command: ["httpd", "-f", "-p", "8080", "-h", "/etc"]
            stop_grace_period: 1s
          sidecar:
            image: localhost/busybox:test
            command: ["sh", "-c", "trap 'exit 0' TERM; sleep inf & wait"]
            network_mode: "service:web"
        """, name: "sidecar")
        defer {
            stack.tearDown()
            #expect(stack.leaks().isEmpty)
        }
        try stack.upDetached()
        // Same netns: web's server answers on the sidecar's loopback, and the interfaces are web's.
        let fetched = stack.run(["exec", "-T", "sidecar", "timeout", "3", "wget", "-q", "-O", "-", "http://127.0.0.1:8080/hostname"])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        let own = stack.run(["exec", "-T", "web", "cat", "/sys/class/net/eth0/address"]).stdout
        let shared = stack.run(["exec", "-T", "sidecar", "cat", "/sys/class/net/eth0/address"]).stdout
        #expect(!own.isEmpty && own == shared)
    }
}
