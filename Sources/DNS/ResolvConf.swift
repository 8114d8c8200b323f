import Linux

/// /etc/resolv.conf: rendering the container's copy and reading the host's for upstream servers.
public enum ResolvConf {
    /// The embedded server's address inside every container, as in docker.
    public static let embeddedServer = "127.0.0.11"

    public struct Host: Equatable, Sendable {
        public var nameservers: [String] = []
        public var search: [String] = []
        public var options: [String] = []

        public init(nameservers: [String] = [], search: [String] = [], options: [String] = []) {
            self.nameservers = nameservers
            self.search = search
            self.options = options
        }

        /// The nameservers as port-53 addresses; entries that are no IP address are skipped.
        public var upstreams: [DnsSocketAddress] {
            nameservers.compactMap { server in
                // A scoped IPv6 address ("fe80::1%eth0") cannot be used from another namespace anyway.
                DnsSocketAddress(host: String(server.split(separator: "%").first ?? ""), port: 53)
            }
        }
    }

    /// The container's resolv.conf. Callers pass `[embeddedServer]` plus the service's `dns_search` and
    /// `dns_opt`; an empty search list writes no search line.
    public static func render(nameservers: [String], search: [String], options: [String]) -> String {
        var lines = nameservers.map { "nameserver \($0)" }
        if !search.isEmpty { lines.append("search " + search.joined(separator: " ")) }
        if !options.isEmpty { lines.append("options " + options.joined(separator: " ")) }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Parses resolv.conf text: `nameserver`, `search` (the last `search` or `domain` line wins, as in glibc)
    /// and `options`; comments start with '#' or ';'.
    public static func parseHost(_ text: String) -> Host {
        var host = Host()
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let content = line.prefix { $0 != "#" && $0 != ";" }
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = words.first else { continue }
            let values = Array(words.dropFirst())
            switch keyword {
            case "nameserver": if let server = values.first { host.nameservers.append(server) }
            case "search", "domain": host.search = values
            case "options": host.options += values
            default: continue
            }
        }
        return host
    }

    /// Reads and parses a resolv.conf file (the host's is /etc/resolv.conf).
    public static func parseHost(path: String = "/etc/resolv.conf") throws(Errno) -> Host {
        parseHost(try FileSystem.readString(path))
    }
}
