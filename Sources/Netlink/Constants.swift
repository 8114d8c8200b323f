/// rtnetlink uapi numbers (linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h, veth.h). They are kernel ABI,
/// fixed forever, and spelling them here keeps message encoding pure Swift and testable byte for byte.
public enum NetlinkType {
    public static let error: UInt16 = 2
    public static let done: UInt16 = 3
    public static let newLink: UInt16 = 16
    public static let deleteLink: UInt16 = 17
    public static let getLink: UInt16 = 18
    public static let newAddress: UInt16 = 20
    public static let deleteAddress: UInt16 = 21
    public static let getAddress: UInt16 = 22
    public static let newRoute: UInt16 = 24
    public static let deleteRoute: UInt16 = 25
    public static let getRoute: UInt16 = 26
}

public struct NetlinkFlags: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let request = NetlinkFlags(rawValue: 0x1)
    public static let multi = NetlinkFlags(rawValue: 0x2)
    public static let ack = NetlinkFlags(rawValue: 0x4)
    public static let dump = NetlinkFlags(rawValue: 0x300)
    public static let replace = NetlinkFlags(rawValue: 0x100)
    public static let exclusive = NetlinkFlags(rawValue: 0x200)
    public static let create = NetlinkFlags(rawValue: 0x400)
    public static let append = NetlinkFlags(rawValue: 0x800)
}

enum LinkAttribute {
    static let address: UInt16 = 1
    static let name: UInt16 = 3
    static let mtu: UInt16 = 4
    static let master: UInt16 = 10
    static let linkInfo: UInt16 = 18
    static let namespacePID: UInt16 = 19
    static let group: UInt16 = 27
    static let namespaceFD: UInt16 = 28
    static let infoKind: UInt16 = 1
    static let infoData: UInt16 = 2
    static let vethPeer: UInt16 = 1
}

enum AddressAttribute {
    static let address: UInt16 = 1
    static let local: UInt16 = 2
    static let label: UInt16 = 3
    static let broadcast: UInt16 = 4
    static let flags: UInt16 = 8
    /// IFA_F_NODAD: containers cannot wait for duplicate address detection.
    static let noDAD: UInt32 = 0x02
}

enum RouteAttribute {
    static let destination: UInt16 = 1
    static let outputInterface: UInt16 = 4
    static let gateway: UInt16 = 5
    static let table: UInt16 = 15
    static let mainTable: UInt8 = 254
    static let protocolBoot: UInt8 = 3
    static let scopeUniverse: UInt8 = 0
    static let scopeLink: UInt8 = 253
    static let unicast: UInt8 = 1
}

enum AddressFamily {
    static let unspecified: UInt8 = 0
    static let inet: UInt8 = 2
    static let inet6: UInt8 = 10
}

/// IFF_UP in ifinfomsg flags.
let interfaceUp: UInt32 = 0x1
