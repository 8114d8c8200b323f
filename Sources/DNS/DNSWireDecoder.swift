public enum DNSWireError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(at: Int)
    case badPointer(at: Int)
    case badLabelType(at: Int)
    case badName(DNSNameError)
    case badRecordLength(type: DNSRecordType, length: Int)
    case duplicateOPT
    case badOPT(at: Int)

    public var description: String {
        switch self {
        case .truncated(let offset): "DNS message ends early at byte \(offset)"
        case .badPointer(let offset): "DNS name compression pointer at byte \(offset) does not point backwards"
        case .badLabelType(let offset): "DNS name at byte \(offset) uses a reserved label type"
        case .badName(let error): "DNS name: \(error)"
        case .badRecordLength(let type, let length): "DNS \(type) record has \(length) data bytes"
        case .duplicateOPT: "DNS message carries more than one OPT record"
        case .badOPT(let offset): "DNS OPT record at byte \(offset) has a name other than the root"
        }
    }
}

extension DNSMessage {
    /// Decodes a message; hostile input (loops, pointers out of bounds, wrong lengths) throws, never traps.
    public init(decoding bytes: [UInt8]) throws(DNSWireError) {
        var reader = DNSWireReader(bytes: bytes)
        self.init(id: try reader.u16())
        flags = DNSFlags(rawValue: try reader.u16())
        let counts = (try reader.u16(), try reader.u16(), try reader.u16(), try reader.u16())
        for _ in 0..<counts.0 {
            questions.append(DNSQuestion(name: try reader.readName(), type: DNSRecordType(rawValue: try reader.u16()),
                                         dnsClass: DNSClass(rawValue: try reader.u16())))
        }
        for _ in 0..<counts.1 { answers.append(try reader.record()) }
        for _ in 0..<counts.2 { authorities.append(try reader.record()) }
        for _ in 0..<counts.3 {
            let start = reader.offset
            let record = try reader.record()
            guard record.type == .opt else {
                additionals.append(record)
                continue
            }
            guard edns == nil else { throw .duplicateOPT }
            guard record.name.isRoot, case .opaque(let options) = record.data else { throw .badOPT(at: start) }
            edns = DNSExtension(udpPayloadSize: record.dnsClass.rawValue,
                                extendedResponseCode: UInt8(record.ttl >> 24),
                                version: UInt8((record.ttl >> 16) & 0xff),
                                flags: UInt16(record.ttl & 0xffff), options: options)
        }
    }
}

/// A bounds-checked cursor over a message.
struct DNSWireReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func u8() throws(DNSWireError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(DNSWireError) -> UInt16 {
        UInt16(try u8()) << 8 | UInt16(try u8())
    }

    mutating func u32() throws(DNSWireError) -> UInt32 {
        UInt32(try u16()) << 16 | UInt32(try u16())
    }

    mutating func take(_ count: Int) throws(DNSWireError) -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else { throw .truncated(at: offset) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Reads a possibly compressed name. Every pointer must point strictly before the label sequence it
    /// interrupts, so a chain of pointers always moves backwards and cannot loop.
    mutating func readName() throws(DNSWireError) -> DNSName {
        var labels: [[UInt8]] = []
        var position = offset
        var resumeAt: Int?
        var wireLength = 1
        var lowestStart = position
        while true {
            guard position < bytes.count else { throw .truncated(at: position) }
            let length = bytes[position]
            switch length & 0xc0 {
            case 0x00:
                if length == 0 {
                    offset = resumeAt ?? position + 1
                    do { return try DNSName(labels: labels) } catch { throw .badName(error) }
                }
                let start = position + 1
                guard bytes.count - start >= Int(length) else { throw .truncated(at: start) }
                wireLength += Int(length) + 1
                if wireLength > DNSName.maxWireLength { throw .badName(.nameTooLong(wireLength)) }
                labels.append(Array(bytes[start..<start + Int(length)]))
                position = start + Int(length)
            case 0xc0:
                guard position + 1 < bytes.count else { throw .truncated(at: position + 1) }
                let target = Int(length & 0x3f) << 8 | Int(bytes[position + 1])
                guard target < lowestStart else { throw .badPointer(at: position) }
                if resumeAt == nil { resumeAt = position + 2 }
                lowestStart = target
                position = target
            default:
                throw .badLabelType(at: position)
            }
        }
    }

    mutating func record() throws(DNSWireError) -> DNSResourceRecord {
        let owner = try readName()
        let type = DNSRecordType(rawValue: try u16())
        let dnsClass = DNSClass(rawValue: try u16())
        let ttl = try u32()
        let length = Int(try u16())
        guard bytes.count - offset >= length else { throw .truncated(at: offset) }
        let end = offset + length
        let data: DNSRecordData
        switch type {
        case .a, .aaaa:
            guard length == (type == .a ? 4 : 16) else { throw .badRecordLength(type: type, length: length) }
            let address = try take(length)
            data = type == .a ? .ipv4(address) : .ipv6(address)
        case .cname, .ptr, .ns:
            data = .name(try readName())
        case .soa:
            data = .startOfAuthority(DNSStartOfAuthority(
                primary: try readName(), mailbox: try readName(), serial: try u32(), refresh: try u32(),
                retry: try u32(), expire: try u32(), minimum: try u32()))
        default:
            data = .opaque(try take(length))
        }
        guard offset == end else { throw .badRecordLength(type: type, length: length) }
        return DNSResourceRecord(name: owner, type: type, dnsClass: dnsClass, ttl: ttl, data: data)
    }
}
