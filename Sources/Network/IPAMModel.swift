import NetAddress

/// One `ipam.config` entry of a compose network.
public struct IPAMConfig: Codable, Sendable, Hashable {
    public var subnet: CIDR?
    public var ipRange: CIDR?
    public var gateway: IPAddress?
    public var auxAddresses: [String: IPAddress]

    public init(subnet: CIDR? = nil, ipRange: CIDR? = nil, gateway: IPAddress? = nil, auxAddresses: [String: IPAddress] = [:]) {
        self.subnet = subnet
        self.ipRange = ipRange
        self.gateway = gateway
        self.auxAddresses = auxAddresses
    }
}

/// What a compose network asks of the host.
public struct NetworkSpec: Sendable, Hashable {
    /// The full name, "project_default".
    public var name: String
    public var project: String
    public var isInternal: Bool
    public var enableIPv6: Bool
    public var ipam: [IPAMConfig]
    public var mtu: UInt32?
    /// False for `com.docker.network.bridge.enable_ip_masquerade: "false"`: no outbound access even when
    /// the `outbound` setting is on.
    public var masquerade: Bool

    public init(name: String, project: String, isInternal: Bool = false, enableIPv6: Bool = false,
                ipam: [IPAMConfig] = [], mtu: UInt32? = nil, masquerade: Bool = true) {
        self.name = name
        self.project = project
        self.isInternal = isInternal
        self.enableIPv6 = enableIPv6
        self.ipam = ipam
        self.mtu = mtu
        self.masquerade = masquerade
    }
}

/// One subnet of an allocated network and the addresses handed out in it.
public struct SubnetAllocation: Codable, Sendable, Hashable {
    /// Network form, host bits clear.
    public var subnet: CIDR
    public var gateway: IPAddress
    /// Where dynamic addresses come from; the whole subnet when nil.
    public var ipRange: CIDR?
    /// `aux_addresses`: never handed out.
    public var reserved: [IPAddress]
    /// Endpoint (container name) to its address.
    public var assigned: [String: IPAddress]

    /// The gateway with the subnet's prefix, as it is configured on the bridge.
    public var gatewayCIDR: CIDR { subnet.with(address: gateway)! }

    func isTaken(_ address: IPAddress) -> Bool {
        address == gateway || reserved.contains(address) || assigned.values.contains(address)
            || (subnet.isIPv4 && (address == subnet.address || address == subnet.broadcast))
    }
}

/// A network as recorded under `StateRoot.networks`: its subnets, bridge and link group.
public struct NetworkAllocation: Codable, Sendable, Hashable {
    public var name: String
    public var bridge: String
    public var group: UInt32
    public var isInternal: Bool
    public var mtu: UInt32?
    public var subnets: [SubnetAllocation]
    /// The nf_tables chains made for it; nil when the `outbound` setting was off (records from before it too).
    public var firewall: FirewallRecord?

    /// Whether the bridge forwards and its subnets are masqueraded.
    public var masquerades: Bool { firewall?.masquerade == true }
}
