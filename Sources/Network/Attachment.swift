import NetAddress

/// What a container asks of one of its networks (compose `services.<name>.networks.<network>`).
public struct EndpointRequest: Sendable, Hashable {
    /// The network's full name.
    public var network: String
    /// `ipv4_address` / `ipv6_address`.
    public var staticAddresses: [IPAddress]
    public var mac: MACAddress?

    public init(network: String, staticAddresses: [IPAddress] = [], mac: MACAddress? = nil) {
        self.network = network
        self.staticAddresses = staticAddresses
        self.mac = mac
    }
}

/// A container's interface on one network: enough for a DNS record and for `inspect`.
public struct Attachment: Codable, Sendable, Hashable {
    public var network: String
    /// Container name the addresses are assigned to.
    public var endpoint: String
    /// Interface inside the container, "eth0", "eth1", ...
    public var interface: String
    public var addresses: [CIDR]
    public var mac: MACAddress
    /// Host end of the veth pair, "swc…".
    public var hostLink: String
    /// Default-route gateways (one per address family), on the one network that carries the route.
    public var gateways: [IPAddress]
}
