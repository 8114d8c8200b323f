import DNS
import Glibc
import Linux
import NetAddress
import Network
import Runtime

/// The container's network for one supervisor: set up anew at every (re)start, because each start has a new
/// netns, and released when the supervisor ends. Runs only on the supervisor's single thread (setns).
final class ContainerNetwork {
    let plan: NetworkPlan
    let loop: EventLoop
    let root: StateRoot
    let statusPath: String
    private var dns: DNSServer?
    private var dnsSockets: [FileDescriptor] = []
    private var proxy: PortProxy?
    /// Whether a start set something up that `release` has not undone yet: the supervisor releases when the
    /// container exits and again on its way out, and the second must write nothing, because `down` may SIGKILL
    /// the supervisor by then and a half-written IPAM file would be left behind.
    private var holdsResources = false

    init(plan: NetworkPlan, loop: EventLoop, stateDir: String) {
        self.plan = plan
        self.loop = loop
        root = StateRoot(lib: plan.stateLib, run: plan.stateRun)
        statusPath = stateDir + "/network.json"
    }

    /// Between clone and exec: veths with their peer born in the child's netns, DNS names, the resolver on
    /// 127.0.0.11 inside that netns, /etc/hosts, then the published ports.
    func prepare(containerPid: pid_t) throws {
        release()
        holdsResources = true
        let namespace = try NetworkNamespace.open(pid: containerPid)
        defer { namespace.closeQuietly() }
        let manager = try NetworkManager(stateRoot: root)
        let requests = plan.networks.map { endpoint in
            EndpointRequest(network: endpoint.network,
                            staticAddresses: [endpoint.ipv4Address, endpoint.ipv6Address].compactMap { $0.flatMap(IPAddress.init) },
                            mac: endpoint.macAddress.flatMap(MACAddress.init))
        }
        let attachments = try manager.attach(endpoint: plan.endpoint, namespace: namespace, networks: requests)
        let table = NameTable(directory: root.dns)
        var ownAddresses: [IPAddress] = []
        for (endpoint, attachment) in zip(plan.networks, attachments) {
            let ipv4 = attachment.addresses.first { $0.address.isIPv4 }?.address
            let ipv6 = attachment.addresses.first { !$0.address.isIPv4 }?.address
            ownAddresses += [ipv4, ipv6].compactMap { $0 }
            try table.register(DNSRecord(network: endpoint.network, names: endpoint.names, ipv4: ipv4?.bytes,
                                         ipv6: ipv6?.bytes, containerId: plan.containerId))
        }
        try writeHosts(ownAddresses)
        try startResolver(namespace: namespace)
        let bindings = try publishPorts(to: attachments.first?.addresses.first { $0.address.isIPv4 }?.address)
        let status = NetworkStatus(
            addresses: Dictionary(zip(attachments.map(\.network), attachments.map { $0.addresses.first?.address.description ?? "" }),
                                  uniquingKeysWith: { first, _ in first }),
            ports: bindings)
        try StateFiles.write(status, to: statusPath)
    }

    /// Drops what the last start set up; the veth pair itself dies with the old netns.
    func release() {
        guard holdsResources else { return }
        holdsResources = false
        proxy?.close()
        proxy = nil
        dns?.detach()
        dns = nil
        for socket in dnsSockets { socket.closeQuietly() }
        dnsSockets = []
        try? NameTable(directory: root.dns).unregister(containerId: plan.containerId)
        if let manager = try? NetworkManager(stateRoot: root) {
            try? manager.detach(endpoint: plan.endpoint, networks: plan.networks.map(\.network))
        }
    }

    private func startResolver(namespace: FileDescriptor) throws {
        guard !plan.networks.isEmpty, let listen = DnsSocketAddress(host: ResolvConf.embeddedServer, port: 53) else { return }
        // Sockets belong to the netns they were created in: bind inside the container's, serve from ours.
        let sockets = try NetworkNamespace.withEntered(namespace) { try DNSServer.bindSockets(listen) }
        dnsSockets = [sockets.udp, sockets.tcp]
        let upstreams: [DnsSocketAddress]
        if plan.dnsServers.isEmpty {
            upstreams = (try? ResolvConf.parseHost())?.upstreams ?? []
        } else {
            upstreams = plan.dnsServers.compactMap { DnsSocketAddress(host: $0, port: 53) }
        }
        let resolver = Resolver(table: NameTableReader(directory: root.dns), networks: plan.networks.map(\.network))
        for link in plan.links where link.count == 2 {
            guard let alias = try? DNSName(link[0]), let target = try? DNSName(link[1]) else { continue }
            resolver.links[alias] = target
        }
        let server = DNSServer(resolver: resolver, upstreams: upstreams)
        try server.attach(udp: sockets.udp, tcp: sockets.tcp, to: loop)
        dns = server
    }

    private func publishPorts(to address: IPAddress?) throws -> [NetworkStatus.Binding] {
        guard let address, !plan.ports.isEmpty else { return [] }
        let proxy = PortProxy(loop: loop)
        self.proxy = proxy
        var bindings: [NetworkStatus.Binding] = []
        for port in plan.ports {
            let transport = PublishedPort.TransportProtocol(rawValue: port.transport) ?? .tcp
            let candidates = try PublishedPort.expand(
                hostIP: port.hostIP.flatMap(IPAddress.init), hostPorts: port.hostPortStart...port.hostPortEnd,
                containerIP: address, containerPorts: port.containerPortStart...port.containerPortEnd, transport: transport)
            // A host range for one container port takes the first free port of the range, as docker does.
            let oneOfRange = port.containerPortStart == port.containerPortEnd && port.hostPortStart != port.hostPortEnd
            var lastError: (any Error)?
            for candidate in candidates {
                do {
                    bindings += try proxy.publish(candidate).map {
                        .init(hostIP: $0.hostIP.description, hostPort: $0.hostPort,
                              containerPort: candidate.containerPort, transport: transport.rawValue)
                    }
                    lastError = nil
                    if oneOfRange { break }
                } catch {
                    lastError = error
                    if !oneOfRange { throw error }
                }
            }
            if let lastError { throw lastError }
        }
        return bindings
    }

    /// /etc/hosts written in place: the runtime binds this very inode into the container.
    private func writeHosts(_ addresses: [IPAddress]) throws {
        let text = HostsFile.render(addresses: addresses.map(\.description), hostname: plan.hostname, extraHosts: plan.extraHosts)
        try FileSystem.overwrite(plan.hostsFile, text, create: true)
    }
}
