import NetAddress

/// Where a new veth's peer is created: the namespace of an open nsfs descriptor or of a process.
public enum NamespaceReference: Sendable, Hashable {
    case descriptor(Int32)
    case pid(Int32)
}

/// A veth pair whose host end joins a bridge and comes up, and whose peer is born inside the container's
/// namespace under its final name: one request, no link ever moves between namespaces.
public struct VethRequest: Sendable {
    public var hostName: String
    public var peerName: String
    public var peerNamespace: NamespaceReference
    public var masterIndex: Int32?
    public var mtu: UInt32?
    public var peerMAC: MACAddress?
    public var group: UInt32?

    public init(hostName: String, peerName: String, peerNamespace: NamespaceReference, masterIndex: Int32? = nil,
                mtu: UInt32? = nil, peerMAC: MACAddress? = nil, group: UInt32? = nil) {
        self.hostName = hostName
        self.peerName = peerName
        self.peerNamespace = peerNamespace
        self.masterIndex = masterIndex
        self.mtu = mtu
        self.peerMAC = peerMAC
        self.group = group
    }
}

/// Builders for each rtnetlink request swcompose sends; pure, so tests compare their bytes.
public enum RouteRequest {
    static let create: NetlinkFlags = [.request, .ack, .create, .exclusive]

    public static func createBridge(name: String, mtu: UInt32?, group: UInt32?) -> NetlinkRequest {
        var request = NetlinkRequest(type: NetlinkType.newLink, flags: create)
        request.appendLinkHeader(flags: interfaceUp, change: interfaceUp)
        request.attribute(LinkAttribute.name, string: name)
        if let mtu { request.attribute(LinkAttribute.mtu, uint32: mtu) }
        if let group { request.attribute(LinkAttribute.group, uint32: group) }
        request.nested(LinkAttribute.linkInfo) { $0.attribute(LinkAttribute.infoKind, string: "bridge") }
        return request
    }

    public static func createVeth(_ veth: VethRequest) -> NetlinkRequest {
        var request = NetlinkRequest(type: NetlinkType.newLink, flags: create)
        request.appendLinkHeader(flags: interfaceUp, change: interfaceUp)
        request.attribute(LinkAttribute.name, string: veth.hostName)
        if let mtu = veth.mtu { request.attribute(LinkAttribute.mtu, uint32: mtu) }
        if let master = veth.masterIndex { request.attribute(LinkAttribute.master, int32: master) }
        if let group = veth.group { request.attribute(LinkAttribute.group, uint32: group) }
        request.nested(LinkAttribute.linkInfo) { info in
            info.attribute(LinkAttribute.infoKind, string: "veth")
            info.nested(LinkAttribute.infoData) { data in
                data.nested(LinkAttribute.vethPeer) { peer in
                    peer.appendLinkHeader()
                    peer.attribute(LinkAttribute.name, string: veth.peerName)
                    if let mtu = veth.mtu { peer.attribute(LinkAttribute.mtu, uint32: mtu) }
                    if let mac = veth.peerMAC { peer.attribute(LinkAttribute.address, mac.bytes) }
                    switch veth.peerNamespace {
                    case .descriptor(let fd): peer.attribute(LinkAttribute.namespaceFD, int32: fd)
                    case .pid(let pid): peer.attribute(LinkAttribute.namespacePID, int32: pid)
                    }
                }
            }
        }
        return request
    }

    /// Changes flags, MTU or MAC of an existing link; nil leaves a property alone.
    public static func setLink(index: Int32, up: Bool? = nil, mtu: UInt32? = nil, mac: MACAddress? = nil) -> NetlinkRequest {
        var request = NetlinkRequest(type: NetlinkType.newLink, flags: [.request, .ack])
        request.appendLinkHeader(index: index, flags: up == true ? interfaceUp : 0, change: up == nil ? 0 : interfaceUp)
        if let mtu { request.attribute(LinkAttribute.mtu, uint32: mtu) }
        if let mac { request.attribute(LinkAttribute.address, mac.bytes) }
        return request
    }

    public static func deleteLink(name: String) -> NetlinkRequest {
        var request = NetlinkRequest(type: NetlinkType.deleteLink, flags: [.request, .ack])
        request.appendLinkHeader()
        request.attribute(LinkAttribute.name, string: name)
        return request
    }

    /// Deletes every link of `group` in one request (index 0, no name: the kernel matches by group).
    public static func deleteLinks(group: UInt32) -> NetlinkRequest {
        var request = NetlinkRequest(type: NetlinkType.deleteLink, flags: [.request, .ack])
        request.appendLinkHeader()
        request.attribute(LinkAttribute.group, uint32: group)
        return request
    }

    public static func getLink(name: String) -> NetlinkRequest {
        var request = NetlinkRequest(type: NetlinkType.getLink, flags: [.request])
        request.appendLinkHeader()
        request.attribute(LinkAttribute.name, string: name)
        return request
    }

    public static func addAddress(_ address: CIDR, index: Int32) -> NetlinkRequest {
        var request = NetlinkRequest(type: NetlinkType.newAddress, flags: create)
        let family = address.isIPv4 ? AddressFamily.inet : AddressFamily.inet6
        request.appendAddressHeader(family: family, prefixLength: UInt8(address.prefixLength), index: UInt32(bitPattern: index))
        request.attribute(AddressAttribute.local, address.address.bytes)
        request.attribute(AddressAttribute.address, address.address.bytes)
        if address.isIPv4 {
            request.attribute(AddressAttribute.broadcast, address.broadcast.bytes)
        } else {
            request.attribute(AddressAttribute.flags, uint32: AddressAttribute.noDAD)
        }
        return request
    }

    /// The default route (0.0.0.0/0 or ::/0) via `gateway` out of link `index`.
    public static func addDefaultRoute(gateway: IPAddress, index: Int32) -> NetlinkRequest {
        var request = NetlinkRequest(type: NetlinkType.newRoute, flags: create)
        request.appendRouteHeader(
            family: gateway.isIPv4 ? AddressFamily.inet : AddressFamily.inet6, table: RouteAttribute.mainTable,
            protocol: RouteAttribute.protocolBoot, scope: RouteAttribute.scopeUniverse, type: RouteAttribute.unicast)
        request.attribute(RouteAttribute.gateway, gateway.bytes)
        request.attribute(RouteAttribute.outputInterface, int32: index)
        return request
    }

    public static func dump(_ type: UInt16) -> NetlinkRequest {
        var request = NetlinkRequest(type: type, flags: [.request, .dump])
        if type == NetlinkType.getLink {
            request.appendLinkHeader()
        } else if type == NetlinkType.getAddress {
            request.appendAddressHeader(family: AddressFamily.unspecified, prefixLength: 0, index: 0)
        } else {
            request.appendRouteHeader(family: AddressFamily.unspecified)
        }
        return request
    }
}
