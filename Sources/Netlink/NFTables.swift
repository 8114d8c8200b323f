import Glibc
import Linux
import NetAddress

/// nf_tables uapi numbers (linux/netfilter/nfnetlink.h, nf_tables.h, netfilter.h): kernel ABI, spelled here
/// so messages are pure Swift and testable byte for byte.
enum NFT {
    static let subsystem: UInt16 = 10  // NFNL_SUBSYS_NFTABLES
    static let batchBegin: UInt16 = 0x10  // NFNL_MSG_BATCH_BEGIN
    static let batchEnd: UInt16 = 0x11
    static let newTable: UInt16 = 0, deleteTable: UInt16 = 2
    static let newChain: UInt16 = 3, getChain: UInt16 = 4, deleteChain: UInt16 = 5
    static let newRule: UInt16 = 6, deleteRule: UInt16 = 8
    static let familyInet: UInt8 = 1  // NFPROTO_INET: one table for IPv4 and IPv6
    static let tableName: UInt16 = 1
    static let chainTable: UInt16 = 1, chainName: UInt16 = 3, chainHook: UInt16 = 4, chainType: UInt16 = 7
    static let hookNumber: UInt16 = 1, hookPriority: UInt16 = 2
    static let ruleTable: UInt16 = 1, ruleChain: UInt16 = 2, ruleExpressions: UInt16 = 4
    static let listElement: UInt16 = 1
    static let expressionName: UInt16 = 1, expressionData: UInt16 = 2
    static let dataValue: UInt16 = 1, dataVerdict: UInt16 = 2, verdictCode: UInt16 = 1
    /// NLA_F_NESTED: libnftnl marks every nest, and strict kernels check it.
    static let nestedFlag: UInt16 = 0x8000
    /// NFT_REG_1, the 16-byte register every expression here loads into and compares from.
    static let register1: UInt32 = 1
    static let registerVerdict: UInt32 = 0
}

/// Packet metadata a rule can load (enum nft_meta_keys).
public enum NFTMetaKey: UInt32, Sendable {
    case inputInterfaceName = 6
    case outputInterfaceName = 7
    case protocolFamily = 15
}

public enum NFTVerdict: UInt32, Sendable {
    case drop = 0
    case accept = 1
}

/// One nf_tables expression; a rule runs its expressions in order and stops at the first that does not match.
/// Every load goes to register 1 and every comparison reads it.
public enum NFTExpression: Sendable, Hashable {
    case meta(NFTMetaKey)
    /// `length` bytes at `offset` of the network header (IPv4 or IPv6).
    case networkHeader(offset: UInt32, length: UInt32)
    /// register &= mask (xor 0).
    case mask([UInt8])
    case equal([UInt8])
    case notEqual([UInt8])
    /// The connection tracking state bits (NFT_CT_STATE), host byte order.
    case connectionState
    case masquerade
    case verdict(NFTVerdict)
}

/// Expression lists for the matches swcompose's rules use, compiled as `nft` compiles them.
public enum NFTMatch {
    public static func inputInterface(_ name: String) -> [NFTExpression] {
        [.meta(.inputInterfaceName), .equal(interfaceName(name))]
    }

    public static func outputInterface(_ name: String) -> [NFTExpression] {
        [.meta(.outputInterfaceName), .equal(interfaceName(name))]
    }

    public static func outputInterfaceOtherThan(_ name: String) -> [NFTExpression] {
        [.meta(.outputInterfaceName), .notEqual(interfaceName(name))]
    }

    /// `ip saddr <subnet>` or `ip6 saddr <subnet>`, with the family check an inet table needs first.
    public static func source(in subnet: CIDR) -> [NFTExpression] {
        let family: UInt8 = subnet.isIPv4 ? 2 /* NFPROTO_IPV4 */ : 10 /* NFPROTO_IPV6 */
        let network = subnet.network
        let bytes = network.address.bytes
        var expressions: [NFTExpression] = [.meta(.protocolFamily), .equal([family]),
                                            .networkHeader(offset: subnet.isIPv4 ? 12 : 8, length: UInt32(bytes.count))]
        if network.prefixLength < bytes.count * 8 {
            expressions.append(.mask(prefixMask(network.prefixLength, bytes: bytes.count)))
        }
        return expressions + [.equal(bytes)]
    }

    /// `ct state established,related`.
    public static func establishedOrRelated() -> [NFTExpression] {
        // NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED)
        [.connectionState, .mask([0x06, 0, 0, 0]), .notEqual([0, 0, 0, 0])]
    }

    /// Interface names are compared as IFNAMSIZ bytes, NUL padded.
    static func interfaceName(_ name: String) -> [UInt8] {
        let bytes = Array(name.utf8.prefix(15))
        return bytes + [UInt8](repeating: 0, count: 16 - bytes.count)
    }

    static func prefixMask(_ length: Int, bytes count: Int) -> [UInt8] {
        (0..<count).map { index in
            let bits = min(8, max(0, length - index * 8))
            return bits == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bits))
        }
    }
}

/// Where a base chain hooks in: its type, netfilter hook and priority.
public struct NFTHook: Sendable, Hashable {
    public var type: String
    public var hook: UInt32
    public var priority: Int32

    /// `type filter hook forward priority filter`.
    public static let forward = NFTHook(type: "filter", hook: 2, priority: 0)
    /// `type nat hook postrouting priority srcnat`.
    public static let sourceNAT = NFTHook(type: "nat", hook: 4, priority: 100)
}

/// Builders for each nf_tables request swcompose sends (inet family); pure, so tests compare their bytes.
/// Requests that change the ruleset only take effect inside a batch (`NetfilterNetlink.commit`).
public enum NFTRequest {
    public static func batchBegin() -> NetlinkRequest { batchMarker(NFT.batchBegin) }
    public static func batchEnd() -> NetlinkRequest { batchMarker(NFT.batchEnd) }

    /// Creates the table, or leaves an existing one alone.
    public static func newTable(_ name: String) -> NetlinkRequest {
        var request = message(NFT.newTable, [.request, .create, .ack])
        request.attribute(NFT.tableName, string: name)
        return request
    }

    /// Deletes the table with every chain and rule in it.
    public static func deleteTable(_ name: String) -> NetlinkRequest {
        var request = message(NFT.deleteTable, [.request, .ack])
        request.attribute(NFT.tableName, string: name)
        return request
    }

    /// Creates a base chain (policy accept), or leaves an existing one with the same hook alone.
    public static func newChain(table: String, name: String, hook: NFTHook) -> NetlinkRequest {
        var request = message(NFT.newChain, [.request, .create, .ack])
        request.attribute(NFT.chainTable, string: table)
        request.attribute(NFT.chainName, string: name)
        request.nested(NFT.chainHook | NFT.nestedFlag) { nest in
            nest.attribute(NFT.hookNumber, uint32: hook.hook.bigEndian)
            nest.attribute(NFT.hookPriority, uint32: UInt32(bitPattern: hook.priority).bigEndian)
        }
        request.attribute(NFT.chainType, string: hook.type)
        return request
    }

    /// Deletes an empty chain.
    public static func deleteChain(table: String, name: String) -> NetlinkRequest {
        var request = message(NFT.deleteChain, [.request, .ack])
        request.attribute(NFT.chainTable, string: table)
        request.attribute(NFT.chainName, string: name)
        return request
    }

    /// Deletes every rule of the chain (a rule deletion naming no handle).
    public static func flushChain(table: String, name: String) -> NetlinkRequest {
        var request = message(NFT.deleteRule, [.request, .ack])
        request.attribute(NFT.ruleTable, string: table)
        request.attribute(NFT.ruleChain, string: name)
        return request
    }

    /// Appends a rule at the end of the chain.
    public static func appendRule(table: String, chain: String, _ expressions: [NFTExpression]) -> NetlinkRequest {
        var request = message(NFT.newRule, [.request, .create, .append, .ack])
        request.attribute(NFT.ruleTable, string: table)
        request.attribute(NFT.ruleChain, string: chain)
        request.nested(NFT.ruleExpressions | NFT.nestedFlag) { list in
            for expression in expressions {
                list.nested(NFT.listElement | NFT.nestedFlag) { encode(expression, into: &$0) }
            }
        }
        return request
    }

    /// Every chain of the inet family, each as an NFT_MSG_NEWCHAIN reply.
    public static func dumpChains() -> NetlinkRequest {
        message(NFT.getChain, [.request, .dump])
    }

    private static func message(_ type: UInt16, _ flags: NetlinkFlags) -> NetlinkRequest {
        var request = NetlinkRequest(type: NFT.subsystem << 8 | type, flags: flags)
        request.appendNetfilterHeader(family: NFT.familyInet, resourceID: 0)
        return request
    }

    private static func batchMarker(_ type: UInt16) -> NetlinkRequest {
        var request = NetlinkRequest(type: type, flags: [.request])
        request.appendNetfilterHeader(family: UInt8(AF_UNSPEC), resourceID: NFT.subsystem)
        return request
    }

    private static func encode(_ expression: NFTExpression, into element: inout NetlinkRequest) {
        func named(_ name: String, _ body: (inout NetlinkRequest) -> Void) {
            element.attribute(NFT.expressionName, string: name)
            element.nested(NFT.expressionData | NFT.nestedFlag, body)
        }
        func data(_ type: UInt16, _ bytes: [UInt8], in nest: inout NetlinkRequest) {
            nest.nested(type | NFT.nestedFlag) { $0.attribute(NFT.dataValue, bytes) }
        }
        let register = NFT.register1.bigEndian
        switch expression {
        case .meta(let key):
            named("meta") {
                $0.attribute(2 /* NFTA_META_KEY */, uint32: key.rawValue.bigEndian)
                $0.attribute(1 /* NFTA_META_DREG */, uint32: register)
            }
        case .networkHeader(let offset, let length):
            named("payload") {
                $0.attribute(1 /* NFTA_PAYLOAD_DREG */, uint32: register)
                $0.attribute(2 /* NFTA_PAYLOAD_BASE: network header */, uint32: UInt32(1).bigEndian)
                $0.attribute(3 /* NFTA_PAYLOAD_OFFSET */, uint32: offset.bigEndian)
                $0.attribute(4 /* NFTA_PAYLOAD_LEN */, uint32: length.bigEndian)
            }
        case .mask(let mask):
            named("bitwise") {
                $0.attribute(1 /* NFTA_BITWISE_SREG */, uint32: register)
                $0.attribute(2 /* NFTA_BITWISE_DREG */, uint32: register)
                $0.attribute(3 /* NFTA_BITWISE_LEN */, uint32: UInt32(mask.count).bigEndian)
                data(4 /* NFTA_BITWISE_MASK */, mask, in: &$0)
                data(5 /* NFTA_BITWISE_XOR */, [UInt8](repeating: 0, count: mask.count), in: &$0)
            }
        case .equal(let value), .notEqual(let value):
            let operation: UInt32 = if case .equal = expression { 0 /* NFT_CMP_EQ */ } else { 1 /* NFT_CMP_NEQ */ }
            named("cmp") {
                $0.attribute(1 /* NFTA_CMP_SREG */, uint32: register)
                $0.attribute(2 /* NFTA_CMP_OP */, uint32: operation.bigEndian)
                data(3 /* NFTA_CMP_DATA */, value, in: &$0)
            }
        case .connectionState:
            named("ct") {
                $0.attribute(2 /* NFTA_CT_KEY: NFT_CT_STATE */, uint32: UInt32(0).bigEndian)
                $0.attribute(1 /* NFTA_CT_DREG */, uint32: register)
            }
        case .masquerade:
            element.attribute(NFT.expressionName, string: "masq")
        case .verdict(let verdict):
            named("immediate") {
                $0.attribute(1 /* NFTA_IMMEDIATE_DREG */, uint32: NFT.registerVerdict.bigEndian)
                $0.nested(2 /* NFTA_IMMEDIATE_DATA */ | NFT.nestedFlag) { value in
                    value.nested(NFT.dataVerdict | NFT.nestedFlag) { $0.attribute(NFT.verdictCode, uint32: verdict.rawValue.bigEndian) }
                }
            }
        }
    }
}

/// A chain as an NFT_MSG_NEWCHAIN dump reply names it.
public struct NFTChainInfo: Sendable, Hashable {
    public let table: String
    public let name: String

    init?(_ message: NetlinkMessage) {
        guard message.type == NFT.subsystem << 8 | NFT.newChain, message.payload.count >= 4 else { return nil }
        let attributes = NetlinkAttributes(message.payload.dropFirst(4))
        guard let table = attributes.string(NFT.chainTable), let name = attributes.string(NFT.chainName) else { return nil }
        self.table = table
        self.name = name
    }
}

/// An nf_tables connection in the calling thread's network namespace. Changes go in batches, which the
/// kernel applies whole or not at all. Not Sendable: one owner, one thread.
public final class NetfilterNetlink {
    private let transport: NetlinkTransport

    public init() throws(Errno) {
        transport = NetlinkTransport(try NetlinkSocket.openNetfilter())
    }

    /// Applies `requests` (each with the subject its error should name) as one transaction.
    public func commit(_ requests: [(request: NetlinkRequest, subject: String)], _ operation: String) throws(Errno) {
        guard !requests.isEmpty else { return }
        try transport.batch(begin: NFTRequest.batchBegin(), requests, end: NFTRequest.batchEnd(), operation)
    }

    /// Every inet-family chain in the namespace.
    public func chains() throws(Errno) -> [NFTChainInfo] {
        try transport.transact(NFTRequest.dumpChains(), "list nftables chains", "", until: .done).compactMap(NFTChainInfo.init)
    }
}
