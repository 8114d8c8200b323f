/// An address with a prefix length, "172.17.0.1/16" or "fd00::/64". The address keeps its host bits,
/// so one value can say both "gateway 172.17.0.1" and "on subnet 172.17.0.0/16"; `network` drops them.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(address: IPAddress, prefixLength: Int) {
        guard (0...address.bitWidth).contains(prefixLength) else { return nil }
        self.address = address
        self.prefixLength = prefixLength
    }

    /// "a.b.c.d/n" or "x::y/n"; a bare address means a host prefix (/32 or /128).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(parts[0]) else { return nil }
        var length = address.bitWidth
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].allSatisfy(\.isASCII), let parsed = Int(parts[1]) else { return nil }
            length = parsed
        }
        self.init(address: address, prefixLength: length)
    }

    private var hostBits: Int { address.bitWidth - prefixLength }

    /// All-ones over the host part, e.g. 0.0.255.255 for /16.
    private var hostMask: UInt128 {
        hostBits == 128 ? UInt128.max : (UInt128(1) << hostBits) - 1
    }

    /// The first address (host bits cleared), with the same prefix.
    public var network: CIDR { CIDR(address: address.withRawValue(address.rawValue & ~hostMask), prefixLength: prefixLength)! }

    /// The last address of the subnet (all host bits set); IPv4's broadcast address.
    public var broadcast: IPAddress { address.withRawValue(address.rawValue | hostMask) }

    /// Number of addresses in the subnet, saturating at UInt128.max for ::/0.
    public var size: UInt128 { hostBits == 128 ? UInt128.max : UInt128(1) << hostBits }

    public var isIPv4: Bool { address.isIPv4 }

    public func contains(_ other: IPAddress) -> Bool {
        other.bitWidth == address.bitWidth && other.rawValue & ~hostMask == address.rawValue & ~hostMask
    }

    /// True when `other` lies wholly inside this subnet.
    public func contains(_ other: CIDR) -> Bool {
        other.prefixLength >= prefixLength && contains(other.address)
    }

    /// True when the two subnets share at least one address (one then contains the other).
    public func overlaps(_ other: CIDR) -> Bool {
        contains(other.address) || other.contains(address)
    }

    /// The n-th address of the subnet counting the network address as 0; nil past the end.
    public func host(_ index: UInt128) -> IPAddress? {
        guard index <= hostMask else { return nil }
        return address.withRawValue((address.rawValue & ~hostMask) + index)
    }

    /// Offset of `other` from the network address, when it is inside the subnet.
    public func index(of other: IPAddress) -> UInt128? {
        contains(other) ? other.rawValue & hostMask : nil
    }

    /// The same prefix with a different address, e.g. a gateway on this subnet as "172.17.0.1/16".
    public func with(address newAddress: IPAddress) -> CIDR? {
        CIDR(address: newAddress, prefixLength: prefixLength)
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

extension CIDR: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = CIDR(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid subnet \"\(text)\""))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
