import NetAddress

/// Pure subnet and address choices: no files, no kernel, so every rule is unit tested.
public enum AddressPlanner {
    /// A base range cut into equal subnets, docker's `default-address-pools` shape.
    public struct Pool: Sendable, Hashable {
        public var base: CIDR
        public var prefixLength: Int

        public init(base: CIDR, prefixLength: Int) {
            self.base = base.network
            self.prefixLength = prefixLength
        }

        public var subnets: [CIDR] {
            let count = 1 << (prefixLength - base.prefixLength)
            let step = UInt128(1) << (base.address.bitWidth - prefixLength)
            return (0..<count).compactMap { index in
                base.host(UInt128(index) * step).flatMap { CIDR(address: $0, prefixLength: prefixLength) }
            }
        }
    }

    /// docker's defaults: 172.17–31.0.0/16, then 192.168.0.0/16 in /20s.
    public static let defaultPools = [
        Pool(base: CIDR("172.17.0.0/16")!, prefixLength: 16),
        Pool(base: CIDR("172.18.0.0/15")!, prefixLength: 16),
        Pool(base: CIDR("172.20.0.0/14")!, prefixLength: 16),
        Pool(base: CIDR("172.24.0.0/13")!, prefixLength: 16),
        Pool(base: CIDR("192.168.0.0/16")!, prefixLength: 20),
    ]

    /// The first pool subnet that overlaps nothing in `taken`.
    public static func firstFree(in pools: [Pool], avoiding taken: [CIDR]) -> CIDR? {
        for pool in pools {
            if let free = pool.subnets.first(where: { candidate in !taken.contains { $0.overlaps(candidate) } }) { return free }
        }
        return nil
    }

    /// A unique-local /64 (fd00::/8 plus a 40-bit global ID from the network name, RFC 4193's shape);
    /// a clash with `taken` moves on to the next hash.
    public static func uniqueLocalSubnet(network: String, avoiding taken: [CIDR]) -> CIDR? {
        for attempt in 0..<64 {
            let hash = NetworkNaming.fnv1a64("\(network)#\(attempt)")
            let value = UInt128(0xfd) << 120 | UInt128(hash & 0xff_ffff_ffff) << 80
            let candidate = CIDR(address: .v6(IPv6Address(value)), prefixLength: 64)!
            if !taken.contains(where: { $0.overlaps(candidate) }) { return candidate }
        }
        return nil
    }

    /// Validates one config entry against its subnet and fills in the gateway (the first host by default).
    public static func subnetAllocation(network: String, subnet: CIDR, config: IPAMConfig) throws(NetworkError) -> SubnetAllocation {
        let subnet = subnet.network
        func require(_ address: IPAddress, _ what: String) throws(NetworkError) {
            guard subnet.contains(address) else {
                throw .invalidConfig(network: network, reason: "\(what) \(address) is outside subnet \(subnet)")
            }
        }
        if let range = config.ipRange, !subnet.contains(range) {
            throw .invalidConfig(network: network, reason: "ip_range \(range) is outside subnet \(subnet)")
        }
        for (name, address) in config.auxAddresses.sorted(by: { $0.key < $1.key }) { try require(address, "aux address \(name)") }
        guard subnet.size >= 4 || !subnet.isIPv4, let firstHost = subnet.host(1) else {
            throw .invalidConfig(network: network, reason: "subnet \(subnet) is too small for a gateway and a container")
        }
        let gateway = config.gateway ?? firstHost
        try require(gateway, "gateway")
        return SubnetAllocation(subnet: subnet, gateway: gateway, ipRange: config.ipRange?.network,
                                reserved: config.auxAddresses.values.sorted(), assigned: [:])
    }

    /// Picks `requested` if it is free, else the lowest free address of the ip_range (or subnet).
    public static func assign(_ allocation: inout SubnetAllocation, endpoint: String, requested: IPAddress?, network: String) throws(NetworkError) -> IPAddress {
        if let existing = allocation.assigned[endpoint], requested == nil || requested == existing { return existing }
        allocation.assigned[endpoint] = nil
        if let requested {
            guard allocation.subnet.contains(requested) else {
                throw .addressUnavailable(network: network, address: requested, reason: "outside subnet \(allocation.subnet)")
            }
            guard !allocation.isTaken(requested) else {
                throw .addressUnavailable(network: network, address: requested, reason: "already in use")
            }
            allocation.assigned[endpoint] = requested
            return requested
        }
        let range = allocation.ipRange ?? allocation.subnet
        // Bounded scan: a full /16 is 65k probes at worst; IPv6 ranges never get near their end.
        let limit = min(range.size, 1 << 20)
        var index: UInt128 = 1
        while index < limit {
            if let candidate = range.host(index), !allocation.isTaken(candidate) {
                allocation.assigned[endpoint] = candidate
                return candidate
            }
            index += 1
        }
        throw .subnetFull(network: network, subnet: range)
    }
}
