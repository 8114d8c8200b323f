/// A container port as docker's container summary lists it: published (host address and port) or only
/// exposed (empty `hostIP`, host port 0).
struct ListedPort: Equatable {
    var hostIP: String
    var hostPort: UInt16
    var containerPort: UInt16
    var transport: String

    /// An `expose`/EXPOSE entry, "80/tcp" or "8000-8002/udp", one port each.
    static func exposed(_ entry: String) -> [ListedPort] {
        let parts = entry.split(separator: "/", maxSplits: 1)
        let bounds = (parts.first ?? "").split(separator: "-").compactMap { UInt16($0) }
        guard let first = bounds.first, let last = bounds.last, first <= last else { return [] }
        let transport = parts.count > 1 ? String(parts[1]) : "tcp"
        return (first...last).map { ListedPort(hostIP: "", hostPort: 0, containerPort: $0, transport: transport) }
    }

    /// docker's order: container port, host address, host port, protocol.
    static func < (a: ListedPort, b: ListedPort) -> Bool {
        (a.containerPort, a.hostIP, a.hostPort, a.transport) < (b.containerPort, b.hostIP, b.hostPort, b.transport)
    }
}

/// docker's `DisplayablePorts` (docker ps, docker compose ps): runs of consecutive ports that keep their
/// number on the host merge into ranges ("80-81/tcp", "0.0.0.0:80-81->80-81/tcp") in the order their runs
/// begin; mappings to another host port follow one by one. IPv6 host addresses go in brackets.
enum PortList {
    static func text(_ ports: [ListedPort]) -> String {
        var runs: [(key: String, first: UInt16, last: UInt16)] = []
        var open: [String: Int] = [:]
        var finished: [String] = []
        var mappings: [String] = []
        for port in ports.sorted(by: <) {
            let current = port.containerPort
            if !port.hostIP.isEmpty && port.hostPort != current {
                mappings.append("\(hostPort(port.hostIP, "\(port.hostPort)"))->\(current)/\(port.transport)")
                continue
            }
            let key = port.hostIP.isEmpty ? port.transport : port.hostIP + "/" + port.transport
            guard let index = open[key] else {
                open[key] = runs.count
                runs.append((key, current, current))
                continue
            }
            if current == runs[index].last &+ 1 {
                runs[index].last = current
            } else {
                finished.append(group(runs[index]))
                runs[index] = (key, current, current)
            }
        }
        return (finished + runs.map(group) + mappings).joined(separator: ", ")
    }

    private static func group(_ run: (key: String, first: UInt16, last: UInt16)) -> String {
        let range = run.first == run.last ? "\(run.first)" : "\(run.first)-\(run.last)"
        guard let slash = run.key.lastIndex(of: "/") else { return "\(range)/\(run.key)" }
        let address = String(run.key[..<slash])
        return "\(hostPort(address, range))->\(range)/\(run.key[run.key.index(after: slash)...])"
    }

    /// Go's `net.JoinHostPort`: brackets around an address with a colon.
    private static func hostPort(_ address: String, _ port: String) -> String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
