import DNS
import Glibc
import Linux
import NetAddress
import Netlink

/// Creates and removes networks and attaches containers to them, from the host's network namespace.
/// Holds one rtnetlink socket; use it from one thread at a time.
public final class NetworkManager {
    public let ipam: IPAM
    /// The embedded DNS's records per network, removed with the network.
    private let names: NameTable
    private let host: RouteNetlink
    private let settingsPath: String

    public init(stateRoot: StateRoot) throws(NetworkError) {
        ipam = IPAM(stateRoot: stateRoot)
        settingsPath = stateRoot.settings
        names = NameTable(directory: stateRoot.dns)
        host = try wrapping("open rtnetlink") { () throws(Errno) in try RouteNetlink() }
    }

    /// Every subnet the host already reaches (routes and interface addresses): default pools skip these.
    public func hostSubnets() throws(NetworkError) -> [CIDR] {
        try wrapping("read host routes") { () throws(Errno) in
            let routes = try host.routes().map(\.destination).filter { $0.prefixLength > 0 }
            return routes + (try host.addresses().map(\.address.network))
        }
    }

    /// Allocates subnets (or reuses the record) and makes sure the bridge exists with its gateways, up.
    /// With the `outbound` setting on, the network also gets its nf_tables chains (see `Firewall`), made
    /// before the bridge: a command killed in between leaves no bridge, so the next `up` does it all again.
    @discardableResult
    public func create(_ spec: NetworkSpec) throws(NetworkError) -> NetworkAllocation {
        let settings = try Settings.load(settingsPath)
        var allocation = try ipam.allocateNetwork(spec, hostSubnets: try hostSubnets())
        let firewall = settings.outbound
            ? FirewallRecord(table: Firewall.tableName(project: spec.project), masquerade: !spec.isInternal && spec.masquerade)
            : nil
        if allocation.firewall != firewall {
            if let old = allocation.firewall { try Firewall.remove(allocation, old) }
            // Recorded before the chains exist, so whoever next creates or removes the network knows of them.
            allocation = try ipam.setFirewall(firewall, network: spec.name)
        }
        if let firewall {
            try Firewall.install(allocation, firewall)
            if firewall.masquerade { try Firewall.enableUplinkForwarding(host: host) }
        }
        try Bridge.ensure(allocation, host: host)
        return allocation
    }

    /// Networks that really exist: recorded by IPAM and with their bridge on the host. A command killed between
    /// the two leaves a record without a bridge; callers then create it again (`create` is idempotent).
    public func existingNetworks() throws(NetworkError) -> [NetworkAllocation] {
        try ipam.allocations().filter { allocation in (try? host.link(named: allocation.bridge)) != nil }
    }

    /// Deletes the bridge and forgets the allocation and the DNS records left on it (a supervisor killed
    /// before it unregistered its container leaves them).
    public func remove(network name: String) throws(NetworkError) {
        guard let allocation = try ipam.allocation(name: name) else { return }
        try Bridge.remove(allocation, host: host)
        if let firewall = allocation.firewall { try Firewall.remove(allocation, firewall) }
        do { try names.removeNetwork(name) } catch { throw .state(path: "\(names.directory)/\(name)", reason: "\(error)") }
        try ipam.releaseNetwork(name: name)
    }

    /// Connects the container whose network namespace is `namespace` (an fd of `/proc/<pid>/ns/net`) to
    /// `networks`, in order: eth0 on the first, eth1 on the next. The default route goes via the first
    /// non-internal network's gateway. Configuring inside the namespace briefly moves this thread into
    /// it (see `NetworkNamespace.withEntered`): call from synchronous code only.
    public func attach(endpoint: String, namespace: FileDescriptor, networks: [EndpointRequest]) throws(NetworkError) -> [Attachment] {
        var attachments: [Attachment] = []
        do throws(NetworkError) {
            let container = try openNamespace(namespace, endpoint: endpoint)
            try wrapping("bring up lo in \(endpoint)") { () throws(Errno) in try container.setLink(index: loopbackIndex, up: true, name: "lo") }
            var routed = false
            for (position, request) in networks.enumerated() {
                guard let allocation = try ipam.allocation(name: request.network) else { throw NetworkError.unknownNetwork(request.network) }
                let addresses = try ipam.assignAddresses(network: request.network, endpoint: endpoint, requested: request.staticAddresses)
                let interface = "eth\(position)"
                let mac = request.mac ?? Self.defaultMAC(for: addresses)
                let gateways = routed || allocation.isInternal ? [] : Self.gateways(of: allocation)
                let attachment = Attachment(network: allocation.name, endpoint: endpoint, interface: interface, addresses: addresses,
                                            mac: mac, hostLink: NetworkNaming.hostLinkName(), gateways: gateways)
                attachments.append(attachment)
                try connect(attachment, allocation: allocation, namespace: namespace, container: container)
                routed = routed || !gateways.isEmpty
            }
        } catch {
            for network in networks.map(\.network) { try? ipam.releaseAddresses(network: network, endpoint: endpoint) }
            throw error
        }
        return attachments
    }

    /// Frees `endpoint`'s addresses. Its veth pairs need no work: they vanish with the namespace.
    public func detach(endpoint: String, networks: [String]) throws(NetworkError) {
        for network in networks { try ipam.releaseAddresses(network: network, endpoint: endpoint) }
    }

    /// Deletes every link of `project` (bridges and host veth ends) with one request.
    public func deleteLinks(project: String) throws(NetworkError) {
        let group = NetworkNaming.linkGroup(project: project)
        do {
            try host.deleteLinks(group: group)
        } catch where error.code == ENODEV /* nothing in the group */ {
            return
        } catch {
            throw .system(context: "delete links of project \(project)", error)
        }
    }

    private func openNamespace(_ namespace: FileDescriptor, endpoint: String) throws(NetworkError) -> RouteNetlink {
        do {
            return try RouteNetlink(namespace: namespace)
        } catch let error as Errno {
            throw .system(context: "enter network namespace of \(endpoint)", error)
        } catch {
            throw .system(context: "enter network namespace of \(endpoint): \(error)", Errno(EIO, call: "setns"))
        }
    }

    private func connect(_ attachment: Attachment, allocation: NetworkAllocation, namespace: FileDescriptor, container: RouteNetlink) throws(NetworkError) {
        let bridge = try Bridge.index(of: allocation, host: host)
        try wrapping("attach \(attachment.endpoint) to \(allocation.name)") { () throws(Errno) in
            try host.createVeth(VethRequest(
                hostName: attachment.hostLink, peerName: attachment.interface, peerNamespace: .descriptor(namespace.rawValue),
                masterIndex: bridge, mtu: allocation.mtu, peerMAC: attachment.mac, group: allocation.group))
            guard let peer = try container.link(named: attachment.interface) else {
                throw Errno(ENODEV, call: "get link", subject: attachment.interface)
            }
            for address in attachment.addresses { try container.addAddress(address, index: peer.index, name: attachment.interface) }
            try container.setLink(index: peer.index, up: true, name: attachment.interface)
            for gateway in attachment.gateways { try container.addDefaultRoute(gateway: gateway, index: peer.index, name: attachment.interface) }
        }
    }

    /// The first gateway of each address family.
    static func gateways(of allocation: NetworkAllocation) -> [IPAddress] {
        let v4 = allocation.subnets.first { $0.subnet.isIPv4 }?.gateway
        let v6 = allocation.subnets.first { !$0.subnet.isIPv4 }?.gateway
        return [v4, v6].compactMap { $0 }
    }

    /// docker's scheme, 02:42 then the IPv4 address: a reused address keeps its MAC, so neighbours' ARP
    /// caches stay right.
    static func defaultMAC(for addresses: [CIDR]) -> MACAddress {
        guard let v4 = addresses.first(where: \.isIPv4) else { return MACAddress.random() }
        return MACAddress(bytes: [0x02, 0x42] + v4.address.bytes)!
    }
}
