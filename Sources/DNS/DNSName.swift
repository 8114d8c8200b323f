/// A domain name checked against RFC 1035 limits: labels of 1...63 bytes, at most 255 bytes on the wire.
/// Comparison and hashing ignore ASCII case, as DNS requires; the original spelling is kept for answers.
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    public let labels: [[UInt8]]

    public static let root = DNSName(validated: [])
    public static let maxLabelLength = 63
    public static let maxWireLength = 255

    public init(labels: [[UInt8]]) throws(DNSNameError) {
        var wireLength = 1
        for label in labels {
            if label.isEmpty { throw .emptyLabel }
            if label.count > Self.maxLabelLength { throw .labelTooLong(String(decoding: label, as: UTF8.self)) }
            wireLength += label.count + 1
        }
        if wireLength > Self.maxWireLength { throw .nameTooLong(wireLength) }
        self.labels = labels
    }

    /// Parses dotted text; a trailing dot is optional and "." is the root.
    public init(_ text: String) throws(DNSNameError) {
        if text == "." || text.isEmpty {
            self = .root
            return
        }
        var parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if parts.last?.isEmpty == true { parts.removeLast() }
        try self.init(labels: parts.map { Array($0) })
    }

    init(validated labels: [[UInt8]]) { self.labels = labels }

    /// Bytes on the wire, uncompressed.
    public var wireLength: Int { labels.reduce(1) { $0 + $1.count + 1 } }

    public var isRoot: Bool { labels.isEmpty }

    /// The name without its first label, or nil for the root.
    public var parent: DNSName? { labels.isEmpty ? nil : DNSName(validated: Array(labels.dropFirst())) }

    /// True when `self` equals `suffix` or lies below it.
    public func isSubdomain(of suffix: DNSName) -> Bool {
        guard suffix.labels.count <= labels.count else { return false }
        return zip(labels.suffix(suffix.labels.count), suffix.labels).allSatisfy { Self.labelsEqual($0, $1) }
    }

    /// Lower-cased dotted text without a trailing dot: the key the name table uses.
    public var key: String { String(decoding: Array(labels.map { $0.map(Self.lower) }.joined(separator: [UInt8(ascii: ".")])), as: UTF8.self) }

    public var description: String {
        if labels.isEmpty { return "." }
        return labels.map { label in
            var text = ""
            for byte in label {
                switch byte {
                case UInt8(ascii: "."), UInt8(ascii: "\\"): text += "\\" + String(UnicodeScalar(byte))
                case 0x21...0x7e: text.unicodeScalars.append(UnicodeScalar(byte))
                default:
                    let digits = String(byte)
                    text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
                }
            }
            return text
        }.joined(separator: ".")
    }

    public static func == (lhs: DNSName, rhs: DNSName) -> Bool {
        lhs.labels.count == rhs.labels.count && zip(lhs.labels, rhs.labels).allSatisfy { labelsEqual($0, $1) }
    }

    public func hash(into hasher: inout Hasher) {
        for label in labels {
            hasher.combine(label.count)
            for byte in label { hasher.combine(Self.lower(byte)) }
        }
    }

    static func lower(_ byte: UInt8) -> UInt8 { (0x41...0x5a).contains(byte) ? byte | 0x20 : byte }

    static func labelsEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { lower($0) == lower($1) }
    }
}

public enum DNSNameError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyLabel
    case labelTooLong(String)
    case nameTooLong(Int)

    public var description: String {
        switch self {
        case .emptyLabel: "DNS name has an empty label (two dots in a row or a leading dot)"
        case .labelTooLong(let label): "DNS label '\(label)' is longer than 63 bytes"
        case .nameTooLong(let length): "DNS name is \(length) bytes on the wire; the limit is 255"
        }
    }
}
