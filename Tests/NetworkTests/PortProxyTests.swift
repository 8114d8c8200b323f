import Glibc
import Linux
import NetAddress
import Network
import Testing

/// Real-kernel suite (root): a fake container on its own bridge serves TCP (busybox httpd) and UDP
/// (a python echo); the proxy publishes them on loopback.
@Suite(.serialized) struct PortProxyTests {
    /// Python client that sends one datagram to 127.0.0.1:port and prints the reply.
    static let udpClient = """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
        s.sendto(b"ping-swc", ("127.0.0.1", int(sys.argv[1]))); print(s.recvfrom(100)[0].decode())
        """
    static let udpEcho = """
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 7))
        while True:
            data, peer = s.recvfrom(100); s.sendto(b"echo:" + data, peer)
        """
    /// Succeeds once the echo answers inside the namespace.
    static let waitForEcho = """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.1)
        for _ in range(50):
            try: s.sendto(b"probe", (sys.argv[1], 7)); s.recvfrom(100); sys.exit(0)
            except OSError: pass
        sys.exit(1)
        """
    static let waitForPort = """
        import socket, sys, time
        for _ in range(50):
            try: socket.create_connection((sys.argv[1], int(sys.argv[2])), 0.2).close(); sys.exit(0)
            except OSError: time.sleep(0.05)
        sys.exit(1)
        """

    /// Host port 0 on every address: the port the kernel picked for IPv4 may be busy on ::, and then both
    /// families move to another one. Run in a fresh namespace whose port range holds two ports (the range
    /// is per namespace), with the first one taken on :: only.
    @Test func randomPortBusyForIPv6MovesBothFamilies() throws {
        let namespace = try FakeContainer()
        defer { namespace.stop() }
        try NetworkNamespace.withEntered(namespace.namespace) {
            try FileSystem.overwrite("/proc/sys/net/ipv4/ip_local_port_range", "40000 40001\n")
            let probe = try InetSocket.listener(SocketAddress(address: [0, 0, 0, 0], port: 0), .stream)
            let first = try InetSocket.localAddress(probe).port
            probe.closeQuietly()
            // bind(0) scans the range in a fixed parity order, so with both ports free it takes `first` again.
            let other: UInt16 = first == 40000 ? 40001 : 40000
            let busy = try InetSocket.listener(SocketAddress(address: IPAddress.v6(.any).bytes, port: first), .stream)
            defer { busy.closeQuietly() }

            let loop = try EventLoop()
            let proxy = PortProxy(loop: loop)
            defer { proxy.close() }
            let bound = try proxy.publish(PublishedPort(hostPort: 0, containerIP: IPAddress("10.213.5.2")!, containerPort: 80))
            #expect(bound.map(\.hostIP) == [.v4(.any), .v6(.any)])
            #expect(bound.map(\.hostPort) == [other, other])
            // The rejected port is free again for IPv4.
            let again = try InetSocket.listener(SocketAddress(address: [0, 0, 0, 0], port: first), .stream)
            again.closeQuietly()
        }
    }

    @Test func tcpAndUDPReachTheContainer() throws {
        let state = temporaryStateRoot()
        defer { try? FileSystem.removeTree(state.path) }
        let project = uniqueName("ports")
        let manager = try NetworkManager(stateRoot: state.root)
        defer { try? manager.deleteLinks(project: project) }
        let spec = NetworkSpec(name: "\(project)_default", project: project, ipam: [IPAMConfig(subnet: CIDR("10.213.5.0/24"))])
        try manager.create(spec)
        let container = try FakeContainer()
        defer { container.stop() }
        let address = try #require(try manager.attach(endpoint: "web-1", namespace: container.namespace,
                                                      networks: [EndpointRequest(network: spec.name)]).first?.addresses.first?.address)
        try FileSystem.writeAtomically("\(state.path)/index.html", "hello from swcompose\n")
        let httpd = try container.start(["busybox", "httpd", "-f", "-p", "80", "-h", state.path])
        let echo = try container.start(["/usr/bin/python3", "-c", Self.udpEcho])
        defer { for pid in [httpd, echo] { kill(pid, SIGKILL); reap(pid) } }
        #expect(try container.exec(["/usr/bin/python3", "-c", Self.waitForPort, address.description, "80"]).status == 0)
        #expect(try container.exec(["/usr/bin/python3", "-c", Self.waitForEcho, address.description]).status == 0)

        let loop = try EventLoop()
        let proxy = PortProxy(loop: loop)
        defer { proxy.close() }
        let tcp = try proxy.publish(PublishedPort(hostIP: IPAddress("127.0.0.1"), hostPort: 0, containerIP: address, containerPort: 80))
        let tcpPort = try #require(tcp.first?.hostPort)
        #expect(tcpPort != 0)
        let wget = try spawnCapturing(["timeout", "-s", "KILL", "10", "busybox", "wget", "-q", "-O", "-", "http://127.0.0.1:\(tcpPort)/index.html"])
        #expect(try runLoop(loop, until: wget.output) == "hello from swcompose\n")
        reap(wget.pid)

        let udp = try proxy.publish(PublishedPort(hostIP: IPAddress("127.0.0.1"), hostPort: 0, containerIP: address, containerPort: 7, transport: .udp))
        let udpPort = try #require(udp.first?.hostPort)
        let client = try spawnCapturing(["timeout", "-s", "KILL", "10", "/usr/bin/python3", "-c", Self.udpClient, "\(udpPort)"])
        #expect(try runLoop(loop, until: client.output) == "echo:ping-swc\n")
        reap(client.pid)
    }

    @Test func randomPortIsReportedOnBothFamilies() throws {
        let loop = try EventLoop()
        let proxy = PortProxy(loop: loop)
        defer { proxy.close() }
        let bound = try proxy.publish(PublishedPort(hostPort: 0, containerIP: IPAddress("10.213.6.2")!, containerPort: 80))
        #expect(bound.count == 2)
        #expect(bound.first?.hostPort != 0)
        #expect(Set(bound.map(\.hostPort)).count == 1)
        #expect(bound.map(\.hostIP.description) == ["0.0.0.0", "::"])
    }

    @Test func busyPortIsAnError() throws {
        let loop = try EventLoop()
        let proxy = PortProxy(loop: loop)
        defer { proxy.close() }
        let first = try proxy.publish(PublishedPort(hostIP: IPAddress("127.0.0.1"), hostPort: 0, containerIP: IPAddress("10.213.6.2")!, containerPort: 80))
        let port = try #require(first.first?.hostPort)
        #expect(throws: NetworkError.self) {
            try PortProxy(loop: loop).publish(PublishedPort(hostIP: IPAddress("127.0.0.1"), hostPort: port, containerIP: IPAddress("10.213.6.2")!, containerPort: 80))
        }
    }

    @Test func rangesPairInOrder() throws {
        let ports = try PublishedPort.expand(hostPorts: 8000...8002, containerIP: IPAddress("10.0.0.2")!, containerPorts: 80...82)
        #expect(ports.map { "\($0.hostPort):\($0.containerPort)" } == ["8000:80", "8001:81", "8002:82"])
        #expect(throws: NetworkError.self) {
            try PublishedPort.expand(hostPorts: 8000...8001, containerIP: IPAddress("10.0.0.2")!, containerPorts: 80...82)
        }
    }
}
