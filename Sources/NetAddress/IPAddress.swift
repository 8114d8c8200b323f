/// Either address family, for values (subnets, gateways, published host IPs) that may be v4 or v6.
public enum IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    public init?(_ text: some StringProtocol) {
        if let v4 = IPv4Address(text) { self = .v4(v4) } else if let v6 = IPv6Address(text) { self = .v6(v6) } else { return nil }
    }

    /// Address width in bits: 32 or 128.
    public var bitWidth: Int {
        switch self {
        case .v4: 32
        case .v6: 128
        }
    }

    public var isIPv4: Bool { bitWidth == 32 }

    /// The address as an unsigned integer, so subnet arithmetic is written once for both families.
    public var rawValue: UInt128 {
        switch self {
        case .v4(let a): UInt128(a.value)
        case .v6(let a): a.value
        }
    }

    /// Rebuilds an address of this family from a raw value.
    public func withRawValue(_ raw: UInt128) -> IPAddress {
        switch self {
        case .v4: .v4(IPv4Address(UInt32(truncatingIfNeeded: raw)))
        case .v6: .v6(IPv6Address(raw))
        }
    }

    /// Network byte order.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let a): a.bytes
        case .v6(let a): a.bytes
        }
    }

    public init?(bytes: some Collection<UInt8>) {
        if let v4 = IPv4Address(bytes: bytes) { self = .v4(v4) } else if let v6 = IPv6Address(bytes: bytes) { self = .v6(v6) } else { return nil }
    }

    public var description: String {
        switch self {
        case .v4(let a): a.description
        case .v6(let a): a.description
        }
    }

    /// IPv4 sorts before IPv6; within a family by value.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.bitWidth, lhs.rawValue) < (rhs.bitWidth, rhs.rawValue)
    }
}

extension IPAddress: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = IPAddress(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid IP address \"\(text)\""))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
