import Glibc
import Linux
import NetAddress
import Netlink

/// The nf_tables chains of a network made while swcompose's `outbound` setting was on: kept in its record so
/// `down` removes exactly them, whatever the setting says by then.
public struct FirewallRecord: Codable, Sendable, Hashable {
    /// The project's inet table, shared by its networks.
    public var table: String
    /// Forwarding on the bridge and masquerade out of the host. False for internal networks and for
    /// `com.docker.network.bridge.enable_ip_masquerade: "false"`: their chain only guards the bridge.
    public var masquerade: Bool
}

/// Outbound access over nf_tables netlink, one inet table per project (`swcompose-<project>`), two base
/// chains per network named after its bridge:
///   <bridge>-forward (filter, forward):  iifname <bridge> accept
///                                        oifname <bridge> ct state established,related accept
///                                        oifname <bridge> drop
///   <bridge>-postrouting (nat, srcnat):  ip saddr <subnet> oifname != <bridge> masquerade  (per subnet)
/// The drop rule keeps the LAN and other networks from opening connections into the containers, even
/// though the uplink forwards.
enum Firewall {
    static func tableName(project: String) -> String { "swcompose-\(project)" }

    static func forwardChain(_ allocation: NetworkAllocation) -> String { allocation.bridge + "-forward" }
    static func natChain(_ allocation: NetworkAllocation) -> String { allocation.bridge + "-postrouting" }

    /// Creates the table and the network's chains, replacing any rules they had, in one transaction.
    static func install(_ allocation: NetworkAllocation, _ record: FirewallRecord) throws(NetworkError) {
        let table = record.table, bridge = allocation.bridge
        let forward = forwardChain(allocation), nat = natChain(allocation)
        var requests: [(request: NetlinkRequest, subject: String)] = [
            (NFTRequest.newTable(table), "table \(table)"),
            (NFTRequest.newChain(table: table, name: forward, hook: .forward), "chain \(forward)"),
            (NFTRequest.flushChain(table: table, name: forward), "chain \(forward)"),
        ]
        let forwardRules: [[NFTExpression]] = [
            NFTMatch.inputInterface(bridge) + [.verdict(.accept)],
            NFTMatch.outputInterface(bridge) + NFTMatch.establishedOrRelated() + [.verdict(.accept)],
            NFTMatch.outputInterface(bridge) + [.verdict(.drop)],
        ]
        requests += forwardRules.map { (NFTRequest.appendRule(table: table, chain: forward, $0), "chain \(forward)") }
        if record.masquerade {
            requests += [
                (NFTRequest.newChain(table: table, name: nat, hook: .sourceNAT), "chain \(nat)"),
                (NFTRequest.flushChain(table: table, name: nat), "chain \(nat)"),
            ]
            requests += allocation.subnets.map { subnet in
                let rule = NFTMatch.source(in: subnet.subnet) + NFTMatch.outputInterfaceOtherThan(bridge) + [.masquerade]
                return (NFTRequest.appendRule(table: table, chain: nat, rule), "chain \(nat)")
            }
        }
        try wrapping("install nftables rules of network \(allocation.name)") { () throws(Errno) in
            try NetfilterNetlink().commit(requests, "nftables")
        }
    }

    /// Deletes the network's chains, and the project's table once no chain is left in it.
    static func remove(_ allocation: NetworkAllocation, _ record: FirewallRecord) throws(NetworkError) {
        let ours: Set = [forwardChain(allocation), natChain(allocation)]
        try wrapping("remove nftables rules of network \(allocation.name)") { () throws(Errno) in
            let netfilter = try NetfilterNetlink()
            let chains = try netfilter.chains().filter { $0.table == record.table }
            if chains.allSatisfy({ ours.contains($0.name) }) {
                do throws(Errno) {
                    try netfilter.commit([(NFTRequest.deleteTable(record.table), "table \(record.table)")], "nftables")
                } catch where error.code == ENOENT /* no table: nothing was left */ {}
                return
            }
            let requests = chains.filter { ours.contains($0.name) }.flatMap { chain in
                [(NFTRequest.flushChain(table: record.table, name: chain.name), "chain \(chain.name)"),
                 (NFTRequest.deleteChain(table: record.table, name: chain.name), "chain \(chain.name)")]
            }
            try netfilter.commit(requests, "nftables")
        }
    }

    /// Replies to masqueraded connections arrive on the uplink, and IPv4 forwards only what arrives on a
    /// device with forwarding on: turn it on for the devices of the IPv4 default routes (never the global
    /// ip_forward, which would also reset every bridge's own value).
    static func enableUplinkForwarding(host: RouteNetlink) throws(NetworkError) {
        try wrapping("enable forwarding on the uplink") { () throws(Errno) in
            let uplinks = Set(try host.routes().filter { $0.destination.isIPv4 && $0.destination.prefixLength == 0 && $0.table == 254 }
                .compactMap(\.outputIndex))
            for link in try host.links() where uplinks.contains(link.index) {
                let path = "/proc/sys/net/ipv4/conf/\(link.name)/forwarding"
                if try FileSystem.readString(path).hasPrefix("1") { continue }
                try FileSystem.overwrite(path, "1\n")
            }
        }
    }
}
