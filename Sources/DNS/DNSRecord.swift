/// What one container contributes to one network's name table; stored as one JSON file per network and
/// container. `names` holds the service name, container name, hostname, aliases and link names.
public struct DNSRecord: Codable, Hashable, Sendable {
    public var network: String
    public var names: [String]
    /// 4 bytes, network order.
    public var ipv4: [UInt8]?
    /// 16 bytes, network order.
    public var ipv6: [UInt8]?
    public var containerId: String

    public init(network: String, names: [String], ipv4: [UInt8]? = nil, ipv6: [UInt8]? = nil, containerId: String) {
        self.network = network
        self.names = names
        self.ipv4 = ipv4
        self.ipv6 = ipv6
        self.containerId = containerId
    }
}
