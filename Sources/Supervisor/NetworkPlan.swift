/// How a container joins its networks, decided by the reconciler and carried out by its supervisor at
/// every (re)start: veths into the new netns, DNS names, the embedded resolver and published ports.
public struct NetworkPlan: Codable, Sendable, Equatable {
    public struct Endpoint: Codable, Sendable, Equatable {
        /// The network's host name, e.g. `shop_default`.
        public var network: String
        /// Names other containers on this network resolve to us: service, container name, hostname, aliases.
        public var names: [String]
        public var ipv4Address: String?
        public var ipv6Address: String?
        public var macAddress: String?

        public init(network: String, names: [String], ipv4Address: String? = nil, ipv6Address: String? = nil,
                    macAddress: String? = nil) {
            self.network = network
            self.names = names
            self.ipv4Address = ipv4Address
            self.ipv6Address = ipv6Address
            self.macAddress = macAddress
        }
    }

    public struct Port: Codable, Sendable, Equatable {
        public var hostIP: String?
        /// 0 asks the kernel for a free port.
        public var hostPortStart: UInt16
        public var hostPortEnd: UInt16
        public var containerPortStart: UInt16
        public var containerPortEnd: UInt16
        public var transport: String

        public init(hostIP: String?, hostPortStart: UInt16, hostPortEnd: UInt16, containerPortStart: UInt16,
                    containerPortEnd: UInt16, transport: String) {
            self.hostIP = hostIP
            self.hostPortStart = hostPortStart
            self.hostPortEnd = hostPortEnd
            self.containerPortStart = containerPortStart
            self.containerPortEnd = containerPortEnd
            self.transport = transport
        }
    }

    public var stateLib: String
    public var stateRun: String
    public var containerId: String
    /// Endpoint name for IPAM: the container's name, unique on the host.
    public var endpoint: String
    public var hostname: String
    /// In attach order: the first carries the default route.
    public var networks: [Endpoint]
    public var ports: [Port]
    /// `dns:` servers; empty forwards to the host's resolvers.
    public var dnsServers: [String]
    /// `extra_hosts` lines for /etc/hosts: (name, address).
    public var extraHosts: [[String]]
    /// The per-container /etc/hosts file the runtime binds; rewritten in place once addresses are known.
    public var hostsFile: String
    /// `expose` plus the image's ExposedPorts ("8080/tcp"): recorded for inspection, opens nothing.
    public var exposedPorts: [String] = []
    /// `links` as (alias, service) pairs: names only this container's resolver knows.
    public var links: [[String]] = []

    public init(stateLib: String, stateRun: String, containerId: String, endpoint: String, hostname: String,
                networks: [Endpoint], ports: [Port], dnsServers: [String], extraHosts: [[String]], hostsFile: String) {
        self.stateLib = stateLib
        self.stateRun = stateRun
        self.containerId = containerId
        self.endpoint = endpoint
        self.hostname = hostname
        self.networks = networks
        self.ports = ports
        self.dnsServers = dnsServers
        self.extraHosts = extraHosts
        self.hostsFile = hostsFile
    }
}

/// What the supervisor publishes about the container's network, for `ps`, `port` and `inspect`.
public struct NetworkStatus: Codable, Sendable, Equatable {
    public struct Binding: Codable, Sendable, Equatable {
        public var hostIP: String
        public var hostPort: UInt16
        public var containerPort: UInt16
        public var transport: String
    }

    public var addresses: [String: String]
    public var ports: [Binding]
}
