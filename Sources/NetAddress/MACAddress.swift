/// A 48-bit Ethernet address; prints as lowercase "02:42:ac:11:00:02".
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 6 else { return nil }
        self.bytes = Array(bytes)
    }

    /// Accepts ':' or '-' separated pairs of hex digits.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(omittingEmptySubsequences: false) { $0 == ":" || $0 == "-" }
        guard parts.count == 6 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard part.count == 2, part.allSatisfy(\.isHexDigit), let byte = UInt8(part, radix: 16) else { return nil }
            result.append(byte)
        }
        bytes = result
    }

    /// A unicast, locally administered address derived from `seed` (same seed, same address),
    /// so a container keeps its MAC across restarts without storing it.
    public init(seed: UInt64) {
        var generator = SplitMix64(state: seed)
        let random = generator.next()
        var result = (0..<6).map { UInt8(truncatingIfNeeded: random >> (8 * $0)) }
        result[0] = (result[0] & 0b1111_1100) | 0b0000_0010
        bytes = result
    }

    /// A fresh random unicast, locally administered address.
    public static func random() -> MACAddress {
        var system = SystemRandomNumberGenerator()
        return MACAddress(seed: system.next())
    }

    public var isLocallyAdministered: Bool { bytes[0] & 0b10 != 0 }
    public var isMulticast: Bool { bytes[0] & 0b1 != 0 }

    public var description: String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: ":")
    }
}

/// Vigna's SplitMix64: a tiny deterministic generator that spreads nearby seeds far apart.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension MACAddress: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = MACAddress(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid MAC address \"\(text)\""))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
