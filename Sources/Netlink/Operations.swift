import Glibc
import Linux
import NetAddress

/// The loopback device is index 1 in every network namespace.
public let loopbackIndex: Int32 = 1

extension RouteNetlink {
    public func createBridge(name: String, mtu: UInt32? = nil, group: UInt32? = nil) throws(Errno) {
        try execute(RouteRequest.createBridge(name: name, mtu: mtu, group: group), "create bridge", name)
    }

    public func createVeth(_ veth: VethRequest) throws(Errno) {
        try execute(RouteRequest.createVeth(veth), "create veth", "\(veth.hostName) (peer \(veth.peerName))")
    }

    public func setLink(index: Int32, up: Bool? = nil, mtu: UInt32? = nil, mac: MACAddress? = nil, name: String = "") throws(Errno) {
        try execute(RouteRequest.setLink(index: index, up: up, mtu: mtu, mac: mac), "set link", name.isEmpty ? "index \(index)" : name)
    }

    public func addAddress(_ address: CIDR, index: Int32, name: String = "") throws(Errno) {
        try execute(RouteRequest.addAddress(address, index: index), "add address \(address)", name.isEmpty ? "index \(index)" : name)
    }

    public func addDefaultRoute(gateway: IPAddress, index: Int32, name: String = "") throws(Errno) {
        try execute(RouteRequest.addDefaultRoute(gateway: gateway, index: index), "add default route via \(gateway)",
                    name.isEmpty ? "index \(index)" : name)
    }

    public func deleteLink(name: String) throws(Errno) {
        try execute(RouteRequest.deleteLink(name: name), "delete link", name)
    }

    /// Deletes every link in `group` with one request. Group 0 is every ordinary link on the host: refused.
    public func deleteLinks(group: UInt32) throws(Errno) {
        guard group != 0 else { throw Errno(EINVAL, call: "delete links", subject: "group 0 (the default group)") }
        try execute(RouteRequest.deleteLinks(group: group), "delete links", "group \(group)")
    }

    /// The link called `name`, or nil when there is none.
    public func link(named name: String) throws(Errno) -> LinkInfo? {
        do {
            return LinkInfo(try get(RouteRequest.getLink(name: name), "get link", name))
        } catch let error where error.code == ENODEV {
            return nil
        }
    }

    public func links() throws(Errno) -> [LinkInfo] {
        try dump(RouteRequest.dump(NetlinkType.getLink), "list links").compactMap(LinkInfo.init)
    }

    public func addresses() throws(Errno) -> [AddressInfo] {
        try dump(RouteRequest.dump(NetlinkType.getAddress), "list addresses").compactMap(AddressInfo.init)
    }

    public func routes() throws(Errno) -> [RouteInfo] {
        try dump(RouteRequest.dump(NetlinkType.getRoute), "list routes").compactMap(RouteInfo.init)
    }
}
