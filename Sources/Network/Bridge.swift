import Glibc
import Linux
import NetAddress
import Netlink

/// The Linux bridge behind one compose network: named by `NetworkNaming.bridgeName`, in the project's link
/// group, with the gateway address of every subnet, up.
public enum Bridge {
    /// Creates what is missing; an existing, complete bridge costs two dumps and nothing else.
    public static func ensure(_ allocation: NetworkAllocation, host: RouteNetlink) throws(NetworkError) {
        let name = allocation.bridge
        try wrapping("create bridge \(name) for network \(allocation.name)") { () throws(Errno) in
            var link = try host.link(named: name)
            if link == nil {
                try host.createBridge(name: name, mtu: allocation.mtu, group: allocation.group)
                link = try host.link(named: name)
            }
            guard let link else { throw Errno(ENODEV, call: "get link", subject: name) }
            let present = Set(try host.addresses().filter { $0.index == link.index }.map(\.address))
            for subnet in allocation.subnets where !present.contains(subnet.gatewayCIDR) {
                try host.addAddress(subnet.gatewayCIDR, index: link.index, name: name)
            }
            try setForwarding(bridge: name, ipv4: allocation.masquerades,
                              ipv6: allocation.masquerades && allocation.subnets.contains { !$0.subnet.isIPv4 })
            if !link.isUp { try host.setLink(index: link.index, up: true, name: name) }
        }
    }

    /// Containers reach each other on their bridge and the host through its gateway, never other networks or
    /// beyond through the host: the kernel checks forwarding on the device a packet arrives on, so this
    /// isolates networks even when the host has ip_forward on. Only a masqueraded network (the `outbound`
    /// setting) forwards. Written at every `ensure`, because setting the global ip_forward resets every
    /// device's value.
    static func setForwarding(bridge: String, ipv4: Bool, ipv6: Bool) throws(Errno) {
        for (family, on) in [("ipv4", ipv4), ("ipv6", ipv6)] {
            let path = "/proc/sys/net/\(family)/conf/\(bridge)/forwarding"
            // No ipv6 directory when IPv6 is disabled on the host.
            guard family == "ipv4" || FileSystem.exists(path) else { continue }
            try FileSystem.overwrite(path, on ? "1\n" : "0\n")
        }
    }

    /// Deletes the bridge; a bridge already gone is fine.
    public static func remove(_ allocation: NetworkAllocation, host: RouteNetlink) throws(NetworkError) {
        do {
            try host.deleteLink(name: allocation.bridge)
        } catch where error.code == ENODEV {
            return
        } catch {
            throw .system(context: "remove bridge \(allocation.bridge) of network \(allocation.name)", error)
        }
    }

    static func index(of allocation: NetworkAllocation, host: RouteNetlink) throws(NetworkError) -> Int32 {
        let link = try wrapping("find bridge \(allocation.bridge)") { () throws(Errno) in try host.link(named: allocation.bridge) }
        guard let link else {
            throw .system(context: "network \(allocation.name) has no bridge \(allocation.bridge); run up again", Errno(ENODEV, call: "get link", subject: allocation.bridge))
        }
        return link.index
    }
}
