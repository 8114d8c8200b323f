import NetAddress

/// One published port: traffic to `hostIP:hostPort` goes to `containerIP:containerPort`.
public struct PublishedPort: Sendable, Hashable {
    public enum TransportProtocol: String, Sendable, Hashable, Codable { case tcp, udp }

    /// nil publishes on every address: 0.0.0.0 and ::.
    public var hostIP: IPAddress?
    /// 0 asks the kernel for a free port.
    public var hostPort: UInt16
    public var containerIP: IPAddress
    public var containerPort: UInt16
    public var transport: TransportProtocol

    public init(hostIP: IPAddress? = nil, hostPort: UInt16, containerIP: IPAddress, containerPort: UInt16, transport: TransportProtocol = .tcp) {
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.containerIP = containerIP
        self.containerPort = containerPort
        self.transport = transport
    }

    /// Expands compose ranges ("8000-8002:80-82") into single ports, pairing them in order; a host range
    /// against one container port is docker's "first free port of the range" and stays one entry per
    /// candidate for the caller to try in order.
    public static func expand(hostIP: IPAddress? = nil, hostPorts: ClosedRange<UInt16>, containerIP: IPAddress,
                              containerPorts: ClosedRange<UInt16>, transport: TransportProtocol = .tcp) throws(NetworkError) -> [PublishedPort] {
        if containerPorts.count == 1 {
            return hostPorts.map { PublishedPort(hostIP: hostIP, hostPort: $0, containerIP: containerIP, containerPort: containerPorts.lowerBound, transport: transport) }
        }
        guard hostPorts.count == containerPorts.count else {
            throw .invalidConfig(network: "ports", reason: "host range \(hostPorts) and container range \(containerPorts) differ in length")
        }
        return zip(hostPorts, containerPorts).map {
            PublishedPort(hostIP: hostIP, hostPort: $0, containerIP: containerIP, containerPort: $1, transport: transport)
        }
    }
}

/// A listening socket the proxy holds: where it listens, for `docker compose port` and `ps`.
public struct BoundPort: Sendable, Hashable {
    public var hostIP: IPAddress
    public var hostPort: UInt16
    public var published: PublishedPort
}
