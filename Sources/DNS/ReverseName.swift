import Linux

/// Addresses as raw bytes (4 or 16) and their reverse-lookup names (RFC 1035 §3.5, RFC 3596 §2.5).
public enum ReverseName {
    static let ipv4Suffix = DNSName(validated: [Array("in-addr".utf8), Array("arpa".utf8)])
    static let ipv6Suffix = DNSName(validated: [Array("ip6".utf8), Array("arpa".utf8)])

    /// "10.0.0.2" or "fd00::2" as bytes, or nil when the text is no address.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        DnsSocketAddress(host: text, port: 0)?.address
    }

    public static func format(_ address: [UInt8]) -> String {
        DnsSocketAddress(address: address, port: 0)?.host ?? address.map(String.init).joined(separator: ".")
    }

    /// 10.0.0.2 → 2.0.0.10.in-addr.arpa; IPv6 → 32 nibble labels under ip6.arpa.
    public static func name(for address: [UInt8]) -> DNSName? {
        switch address.count {
        case 4:
            return DNSName(validated: address.reversed().map { Array(String($0).utf8) } + ipv4Suffix.labels)
        case 16:
            let digits = Array("0123456789abcdef".utf8)
            let nibbles = address.reversed().flatMap { [[digits[Int($0 & 0x0f)]], [digits[Int($0 >> 4)]]] }
            return DNSName(validated: nibbles + ipv6Suffix.labels)
        default:
            return nil
        }
    }

    /// The address a complete reverse name stands for, or nil for partial or malformed names.
    public static func address(from name: DNSName) -> [UInt8]? {
        if name.isSubdomain(of: ipv4Suffix) {
            let labels = name.labels.dropLast(2)
            guard labels.count == 4 else { return nil }
            var address: [UInt8] = []
            for label in labels.reversed() {
                guard label.count <= 3, label.allSatisfy({ (0x30...0x39).contains($0) }),
                      let value = UInt8(String(decoding: label, as: UTF8.self)) else { return nil }
                address.append(value)
            }
            return address
        }
        if name.isSubdomain(of: ipv6Suffix) {
            let labels = name.labels.dropLast(2)
            guard labels.count == 32 else { return nil }
            var nibbles: [UInt8] = []
            for label in labels.reversed() {
                guard label.count == 1, let value = hexValue(label[0]) else { return nil }
                nibbles.append(value)
            }
            return stride(from: 0, to: 32, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
        }
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch DNSName.lower(byte) {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: DNSName.lower(byte) - 0x61 + 10
        default: nil
        }
    }
}
