/// The /etc/hosts a container sees: a base (localhost, or the host's own file under `network_mode: host`),
/// its addresses under its hostname, then `extra_hosts`, as docker writes it.
public enum HostsFile {
    public static let localhost = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"

    /// `extraHosts` holds (name, address) pairs, as in `NetworkPlan.extraHosts`.
    public static func render(base: String = localhost, addresses: [String] = [], hostname: String = "",
                              extraHosts: [[String]]) -> String {
        var text = base
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        for address in addresses { text += "\(address)\t\(hostname)\n" }
        for entry in extraHosts where entry.count == 2 { text += "\(entry[1])\t\(entry[0])\n" }
        return text
    }
}
