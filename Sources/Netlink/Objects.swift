import NetAddress

/// A network interface as RTM_NEWLINK describes it.
public struct LinkInfo: Sendable, Hashable {
    public let index: Int32
    public let name: String
    public let isUp: Bool
    public let mtu: UInt32?
    public let mac: MACAddress?
    public let masterIndex: Int32?
    public let group: UInt32
    public let kind: String?

    init?(_ message: NetlinkMessage) {
        let payload = message.payload
        guard message.type == NetlinkType.newLink, payload.count >= 16 else { return nil }
        let start = payload.startIndex
        index = Int32(bitPattern: payload.readUInt32(at: start + 4))
        isUp = payload.readUInt32(at: start + 8) & interfaceUp != 0
        let attributes = NetlinkAttributes(payload.dropFirst(16))
        name = attributes.string(LinkAttribute.name) ?? ""
        mtu = attributes.uint32(LinkAttribute.mtu)
        mac = attributes[LinkAttribute.address].flatMap { MACAddress(bytes: $0) }
        masterIndex = attributes.uint32(LinkAttribute.master).map { Int32(bitPattern: $0) }
        group = attributes.uint32(LinkAttribute.group) ?? 0
        kind = attributes[LinkAttribute.linkInfo].flatMap { NetlinkAttributes($0).string(LinkAttribute.infoKind) }
    }
}

/// An address assigned to an interface, with its prefix: "172.17.0.1/16 on index 5".
public struct AddressInfo: Sendable, Hashable {
    public let index: Int32
    public let address: CIDR

    init?(_ message: NetlinkMessage) {
        let payload = message.payload
        guard message.type == NetlinkType.newAddress, payload.count >= 8 else { return nil }
        let start = payload.startIndex
        let attributes = NetlinkAttributes(payload.dropFirst(8))
        guard let raw = attributes[AddressAttribute.local] ?? attributes[AddressAttribute.address],
              let ip = IPAddress(bytes: raw), let cidr = CIDR(address: ip, prefixLength: Int(payload[start + 1]))
        else { return nil }
        index = Int32(bitPattern: payload.readUInt32(at: start + 4))
        address = cidr
    }
}

/// A route: destination subnet (0.0.0.0/0 for default), optional gateway and output link.
public struct RouteInfo: Sendable, Hashable {
    public let destination: CIDR
    public let gateway: IPAddress?
    public let outputIndex: Int32?
    public let table: UInt32

    init?(_ message: NetlinkMessage) {
        let payload = message.payload
        guard message.type == NetlinkType.newRoute, payload.count >= 12 else { return nil }
        let start = payload.startIndex
        let family = payload[start]
        let attributes = NetlinkAttributes(payload.dropFirst(12))
        let zero: IPAddress = family == AddressFamily.inet ? .v4(.any) : .v6(.any)
        guard family == AddressFamily.inet || family == AddressFamily.inet6,
              let cidr = CIDR(address: attributes[RouteAttribute.destination].flatMap { IPAddress(bytes: $0) } ?? zero,
                              prefixLength: Int(payload[start + 1]))
        else { return nil }
        destination = cidr
        gateway = attributes[RouteAttribute.gateway].flatMap { IPAddress(bytes: $0) }
        outputIndex = attributes.uint32(RouteAttribute.outputInterface).map { Int32(bitPattern: $0) }
        table = attributes.uint32(RouteAttribute.table) ?? UInt32(payload[start + 4])
    }
}
