/// One received netlink message: header fields and the bytes after the header.
public struct NetlinkMessage: Sendable {
    public let type: UInt16
    public let flags: UInt16
    public let sequence: UInt32
    public let payload: ArraySlice<UInt8>

    /// Splits a datagram into its messages; stops at a truncated or malformed one.
    public static func split(_ datagram: ArraySlice<UInt8>) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var offset = datagram.startIndex
        while datagram.endIndex - offset >= 16 {
            let length = Int(datagram.readUInt32(at: offset))
            guard length >= 16, offset + length <= datagram.endIndex else { break }
            messages.append(NetlinkMessage(
                type: datagram.readUInt16(at: offset + 4),
                flags: datagram.readUInt16(at: offset + 6),
                sequence: datagram.readUInt32(at: offset + 8),
                payload: datagram[(offset + 16)..<(offset + length)]))
            offset += (length + 3) & ~3
        }
        return messages
    }

    /// For NLMSG_ERROR: 0 is an acknowledgement, otherwise a positive errno.
    public var errorCode: Int32? {
        guard type == NetlinkType.error, payload.count >= 4 else { return nil }
        return -Int32(bitPattern: payload.readUInt32(at: payload.startIndex))
    }
}

/// Attributes (rtattr) parsed from a payload, by type; later duplicates win, as nothing here repeats.
public struct NetlinkAttributes: Sendable {
    public private(set) var values: [UInt16: ArraySlice<UInt8>] = [:]

    public init(_ bytes: ArraySlice<UInt8>) {
        var offset = bytes.startIndex
        while bytes.endIndex - offset >= 4 {
            let length = Int(bytes.readUInt16(at: offset))
            guard length >= 4, offset + length <= bytes.endIndex else { break }
            // Strip NLA_F_NESTED and NLA_F_NET_BYTEORDER.
            let type = bytes.readUInt16(at: offset + 2) & 0x3fff
            values[type] = bytes[(offset + 4)..<(offset + length)]
            offset += (length + 3) & ~3
        }
    }

    public subscript(type: UInt16) -> ArraySlice<UInt8>? { values[type] }

    public func string(_ type: UInt16) -> String? {
        guard let raw = values[type] else { return nil }
        return String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }

    public func uint32(_ type: UInt16) -> UInt32? {
        guard let raw = values[type], raw.count >= 4 else { return nil }
        return raw.readUInt32(at: raw.startIndex)
    }
}

extension ArraySlice<UInt8> {
    func readUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func readUInt32(at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << (8 * $1) }
    }
}
