/// A record type code (RFC 1035 §3.2.2, RFC 3596); unknown codes are kept as they are.
public struct DNSRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = DNSRecordType(rawValue: 1)
    public static let ns = DNSRecordType(rawValue: 2)
    public static let cname = DNSRecordType(rawValue: 5)
    public static let soa = DNSRecordType(rawValue: 6)
    public static let ptr = DNSRecordType(rawValue: 12)
    public static let mx = DNSRecordType(rawValue: 15)
    public static let txt = DNSRecordType(rawValue: 16)
    public static let aaaa = DNSRecordType(rawValue: 28)
    public static let opt = DNSRecordType(rawValue: 41)
    public static let any = DNSRecordType(rawValue: 255)

    public var description: String {
        switch self {
        case .a: "A"
        case .ns: "NS"
        case .cname: "CNAME"
        case .soa: "SOA"
        case .ptr: "PTR"
        case .mx: "MX"
        case .txt: "TXT"
        case .aaaa: "AAAA"
        case .opt: "OPT"
        case .any: "ANY"
        default: "TYPE\(rawValue)"
        }
    }
}

public struct DNSClass: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let internet = DNSClass(rawValue: 1)
}

public struct DNSResponseCode: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x0f }
    public static let noError = DNSResponseCode(rawValue: 0)
    public static let formatError = DNSResponseCode(rawValue: 1)
    public static let serverFailure = DNSResponseCode(rawValue: 2)
    public static let nameError = DNSResponseCode(rawValue: 3)
    public static let notImplemented = DNSResponseCode(rawValue: 4)
    public static let refused = DNSResponseCode(rawValue: 5)
}

/// The 16 flag bits of the header, kept raw so bits this codec does not name (AD, CD, Z) survive a round trip.
public struct DNSFlags: Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16 = 0) { self.rawValue = rawValue }

    public var isResponse: Bool { get { bit(15) } set { set(15, newValue) } }
    public var opcode: UInt8 {
        get { UInt8((rawValue >> 11) & 0x0f) }
        set { rawValue = (rawValue & ~0x7800) | (UInt16(newValue & 0x0f) << 11) }
    }
    public var authoritative: Bool { get { bit(10) } set { set(10, newValue) } }
    public var truncated: Bool { get { bit(9) } set { set(9, newValue) } }
    public var recursionDesired: Bool { get { bit(8) } set { set(8, newValue) } }
    public var recursionAvailable: Bool { get { bit(7) } set { set(7, newValue) } }
    public var responseCode: DNSResponseCode {
        get { DNSResponseCode(rawValue: UInt8(rawValue & 0x0f)) }
        set { rawValue = (rawValue & ~0x000f) | UInt16(newValue.rawValue) }
    }

    private func bit(_ index: UInt16) -> Bool { rawValue & (1 << index) != 0 }
    private mutating func set(_ index: UInt16, _ on: Bool) {
        rawValue = on ? rawValue | (1 << index) : rawValue & ~(1 << index)
    }
}

public struct DNSQuestion: Hashable, Sendable {
    public var name: DNSName
    public var type: DNSRecordType
    public var dnsClass: DNSClass

    public init(name: DNSName, type: DNSRecordType, dnsClass: DNSClass = .internet) {
        self.name = name
        self.type = type
        self.dnsClass = dnsClass
    }
}

public struct DNSStartOfAuthority: Hashable, Sendable {
    public var primary: DNSName
    public var mailbox: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    public var minimum: UInt32

    public init(primary: DNSName, mailbox: DNSName, serial: UInt32, refresh: UInt32, retry: UInt32,
                expire: UInt32, minimum: UInt32) {
        self.primary = primary
        self.mailbox = mailbox
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}

/// Record data: the types the resolver answers are parsed; everything else stays opaque bytes (RFC 3597).
public enum DNSRecordData: Hashable, Sendable {
    case ipv4([UInt8])
    case ipv6([UInt8])
    case name(DNSName)
    case startOfAuthority(DNSStartOfAuthority)
    case opaque([UInt8])
}

public struct DNSResourceRecord: Hashable, Sendable {
    public var name: DNSName
    public var type: DNSRecordType
    public var dnsClass: DNSClass
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: DNSName, type: DNSRecordType, dnsClass: DNSClass = .internet, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.type = type
        self.dnsClass = dnsClass
        self.ttl = ttl
        self.data = data
    }

    public static func a(_ name: DNSName, _ address: [UInt8], ttl: UInt32) -> DNSResourceRecord {
        DNSResourceRecord(name: name, type: .a, ttl: ttl, data: .ipv4(address))
    }

    public static func aaaa(_ name: DNSName, _ address: [UInt8], ttl: UInt32) -> DNSResourceRecord {
        DNSResourceRecord(name: name, type: .aaaa, ttl: ttl, data: .ipv6(address))
    }

    public static func ptr(_ name: DNSName, _ target: DNSName, ttl: UInt32) -> DNSResourceRecord {
        DNSResourceRecord(name: name, type: .ptr, ttl: ttl, data: .name(target))
    }
}

/// EDNS0 (RFC 6891): the OPT pseudo-record's fields; options are passed through as raw bytes.
public struct DNSExtension: Hashable, Sendable {
    public var udpPayloadSize: UInt16
    public var extendedResponseCode: UInt8
    public var version: UInt8
    public var flags: UInt16
    public var options: [UInt8]

    public init(udpPayloadSize: UInt16, extendedResponseCode: UInt8 = 0, version: UInt8 = 0, flags: UInt16 = 0,
                options: [UInt8] = []) {
        self.udpPayloadSize = udpPayloadSize
        self.extendedResponseCode = extendedResponseCode
        self.version = version
        self.flags = flags
        self.options = options
    }
}

public struct DNSMessage: Hashable, Sendable {
    public var id: UInt16
    public var flags: DNSFlags
    public var questions: [DNSQuestion]
    public var answers: [DNSResourceRecord]
    public var authorities: [DNSResourceRecord]
    public var additionals: [DNSResourceRecord]
    /// The OPT record, kept apart from `additionals` and written last.
    public var edns: DNSExtension?

    public init(id: UInt16, flags: DNSFlags = DNSFlags(), questions: [DNSQuestion] = [],
                answers: [DNSResourceRecord] = [], authorities: [DNSResourceRecord] = [],
                additionals: [DNSResourceRecord] = [], edns: DNSExtension? = nil) {
        self.id = id
        self.flags = flags
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
        self.edns = edns
    }

    /// A query with recursion desired, as a stub resolver sends it.
    public static func query(id: UInt16, name: DNSName, type: DNSRecordType, edns: DNSExtension? = nil) -> DNSMessage {
        var flags = DNSFlags()
        flags.recursionDesired = true
        return DNSMessage(id: id, flags: flags, questions: [DNSQuestion(name: name, type: type)], edns: edns)
    }

    /// An empty response to `query` echoing its id, question, opcode and RD bit.
    public static func response(to query: DNSMessage, code: DNSResponseCode) -> DNSMessage {
        var flags = DNSFlags()
        flags.isResponse = true
        flags.opcode = query.flags.opcode
        flags.recursionDesired = query.flags.recursionDesired
        flags.recursionAvailable = true
        flags.responseCode = code
        return DNSMessage(id: query.id, flags: flags, questions: query.questions,
                          edns: query.edns.map { _ in DNSExtension(udpPayloadSize: DNSMessage.maxEDNSPayload) })
    }

    /// UDP answers without EDNS stay within 512 bytes (RFC 1035 §4.2.1).
    public static let classicUDPLimit = 512
    /// What this server advertises and honours at most; larger buffers fragment badly.
    public static let maxEDNSPayload: UInt16 = 4096

    /// The largest UDP response this query's sender accepts.
    public var udpResponseLimit: Int {
        guard let edns else { return Self.classicUDPLimit }
        return Int(min(max(edns.udpPayloadSize, UInt16(Self.classicUDPLimit)), Self.maxEDNSPayload))
    }
}
