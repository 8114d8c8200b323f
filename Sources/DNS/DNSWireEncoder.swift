extension DNSMessage {
    /// Encodes the message, compressing repeated name suffixes (RFC 1035 §4.1.4).
    public func encoded() -> [UInt8] {
        var writer = DNSWireWriter()
        writer.u16(id)
        writer.u16(flags.rawValue)
        writer.u16(UInt16(clamping: questions.count))
        writer.u16(UInt16(clamping: answers.count))
        writer.u16(UInt16(clamping: authorities.count))
        writer.u16(UInt16(clamping: additionals.count + (edns == nil ? 0 : 1)))
        for question in questions {
            writer.name(question.name)
            writer.u16(question.type.rawValue)
            writer.u16(question.dnsClass.rawValue)
        }
        for record in answers + authorities + additionals { writer.record(record) }
        if let edns {
            writer.name(.root)
            writer.u16(DNSRecordType.opt.rawValue)
            writer.u16(edns.udpPayloadSize)
            writer.u32(UInt32(edns.extendedResponseCode) << 24 | UInt32(edns.version) << 16 | UInt32(edns.flags))
            writer.u16(UInt16(clamping: edns.options.count))
            writer.bytes.append(contentsOf: edns.options)
        }
        return writer.bytes
    }

    /// Encodes within `limit` bytes: when the full message does not fit, sends the header, question and OPT
    /// with TC set so the client retries over TCP (RFC 2181 §9: drop whole sections, not single records).
    public func encoded(limit: Int) -> [UInt8] {
        let full = encoded()
        if full.count <= limit { return full }
        var truncated = self
        truncated.flags.truncated = true
        truncated.answers = []
        truncated.authorities = []
        truncated.additionals = []
        return truncated.encoded()
    }
}

struct DNSWireWriter {
    var bytes: [UInt8] = []
    /// Offsets of name suffixes already written, keyed by their lower-cased labels.
    private var suffixes: [[[UInt8]]: Int] = [:]

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xff))
    }

    mutating func u32(_ value: UInt32) {
        u16(UInt16(value >> 16))
        u16(UInt16(value & 0xffff))
    }

    mutating func name(_ name: DNSName) {
        let lowered = name.labels.map { $0.map(DNSName.lower) }
        for index in lowered.indices {
            let suffix = Array(lowered[index...])
            if let offset = suffixes[suffix] {
                u16(0xc000 | UInt16(offset))
                return
            }
            // Pointers hold 14 bits; later suffixes are simply written out.
            if bytes.count < 0x4000 { suffixes[suffix] = bytes.count }
            bytes.append(UInt8(name.labels[index].count))
            bytes.append(contentsOf: name.labels[index])
        }
        bytes.append(0)
    }

    mutating func record(_ record: DNSResourceRecord) {
        name(record.name)
        u16(record.type.rawValue)
        u16(record.dnsClass.rawValue)
        u32(record.ttl)
        let lengthAt = bytes.count
        u16(0)
        switch record.data {
        case .ipv4(let address), .ipv6(let address), .opaque(let address):
            bytes.append(contentsOf: address)
        case .name(let target):
            name(target)
        case .startOfAuthority(let soa):
            name(soa.primary)
            name(soa.mailbox)
            for value in [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum] { u32(value) }
        }
        let length = UInt16(clamping: bytes.count - lengthAt - 2)
        bytes[lengthAt] = UInt8(length >> 8)
        bytes[lengthAt + 1] = UInt8(length & 0xff)
    }
}
