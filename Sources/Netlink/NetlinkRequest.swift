import NetAddress

/// Builds one netlink message: header, a fixed family header, then attributes (nested ones included).
/// Integers are host byte order as the kernel expects; addresses are network order.
public struct NetlinkRequest: Sendable {
    public private(set) var bytes: [UInt8]

    public init(type: UInt16, flags: NetlinkFlags, sequence: UInt32 = 0) {
        bytes = []
        bytes.reserveCapacity(256)
        append(UInt32(0))  // length, patched by `message`
        append(type)
        append(flags.rawValue)
        append(sequence)
        append(UInt32(0))  // port id: 0 lets the kernel fill in ours
    }

    /// The finished message with its length field set.
    public var message: [UInt8] {
        var result = bytes
        Self.patchLength(&result, at: 0, UInt32(result.count))
        return result
    }

    public mutating func setSequence(_ sequence: UInt32) {
        withUnsafeBytes(of: sequence) { bytes.replaceSubrange(8..<12, with: $0) }
    }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    /// struct ifinfomsg.
    mutating func appendLinkHeader(family: UInt8 = AddressFamily.unspecified, index: Int32 = 0, flags: UInt32 = 0, change: UInt32 = 0) {
        bytes.append(family)
        bytes.append(0)
        append(UInt16(0))  // device type
        append(index)
        append(flags)
        append(change)
    }

    /// struct ifaddrmsg.
    mutating func appendAddressHeader(family: UInt8, prefixLength: UInt8, scope: UInt8 = 0, index: UInt32) {
        bytes += [family, prefixLength, 0, scope]
        append(index)
    }

    /// struct rtmsg.
    mutating func appendRouteHeader(
        family: UInt8, destinationLength: UInt8 = 0, table: UInt8 = 0, protocol: UInt8 = 0, scope: UInt8 = 0, type: UInt8 = 0
    ) {
        bytes += [family, destinationLength, 0, 0, table, `protocol`, scope, type]
        append(UInt32(0))
    }

    /// struct nfgenmsg: the nfnetlink header; `resourceID` is big endian on the wire.
    mutating func appendNetfilterHeader(family: UInt8, resourceID: UInt16) {
        bytes += [family, 0 /* NFNETLINK_V0 */]
        append(resourceID.bigEndian)
    }

    mutating func attribute(_ type: UInt16, _ payload: [UInt8]) {
        append(UInt16(4 + payload.count))
        append(type)
        bytes += payload
        padToFour()
    }

    mutating func attribute(_ type: UInt16, uint32 value: UInt32) {
        attribute(type, withUnsafeBytes(of: value) { Array($0) })
    }

    mutating func attribute(_ type: UInt16, int32 value: Int32) {
        attribute(type, withUnsafeBytes(of: value) { Array($0) })
    }

    /// A NUL-terminated string attribute (interface names, link kinds).
    mutating func attribute(_ type: UInt16, string: String) {
        attribute(type, Array(string.utf8) + [0])
    }

    /// An attribute whose payload is written by `body` (nested attributes, or a header plus attributes).
    mutating func nested(_ type: UInt16, _ body: (inout NetlinkRequest) -> Void) {
        let start = bytes.count
        append(UInt16(0))
        append(type)
        body(&self)
        let length = UInt16(bytes.count - start)
        withUnsafeBytes(of: length) { bytes.replaceSubrange(start..<start + 2, with: $0) }
        padToFour()
    }

    private mutating func padToFour() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    private static func patchLength(_ buffer: inout [UInt8], at offset: Int, _ value: UInt32) {
        withUnsafeBytes(of: value) { buffer.replaceSubrange(offset..<offset + 4, with: $0) }
    }
}
