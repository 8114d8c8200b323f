import YAML

/// compose makes a service depend on every service it links to, shares a namespace with
/// (`network_mode`/`ipc`/`pid`/`uts`/`cgroup: service:x`) or takes volumes from, unless `depends_on`
/// already names it; `config` prints those entries.
enum ImplicitDependencies {
    static func add(_ pairs: inout [(String, Node)], _ source: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) {
        func value(_ key: String) -> Node? { pairs.first { $0.0 == key }?.1 }
        let implied = implied(by: value)
        guard !implied.isEmpty else { return }

        let written = value("depends_on")
        var dependencies = written?.pairs ?? []
        for entry in implied where !dependencies.contains(where: { $0.key.scalar == entry.name }) {
            var fields: [(String, Node)] = [("condition", .text("service_started", at: entry.mark))]
            if entry.restart { fields.append(("restart", .boolean(true, at: entry.mark))) }
            fields.append(("required", .boolean(true, at: entry.mark)))
            dependencies.append(Node.Pair(key: .text(entry.name, at: entry.mark), value: .map(fields, at: entry.mark)))
        }
        dependencies.sort { ($0.key.scalar ?? "") < ($1.key.scalar ?? "") }
        let node = Node(.mapping(dependencies), mark: written?.mark ?? implied[0].mark)
        if let index = pairs.firstIndex(where: { $0.0 == "depends_on" }) {
            pairs[index].1 = node
        } else {
            let order = ComposeSchema.service.keys
            let rank = order.firstIndex(of: "depends_on") ?? order.count
            let at = pairs.firstIndex { (order.firstIndex(of: $0.0) ?? Int.max) > rank } ?? pairs.endIndex
            pairs.insert(("depends_on", node), at: at)
        }
    }

    /// The services a service's `links`, `service:` namespaces and `volumes_from` name, with whether a
    /// restart of that service restarts this one; `value` reads the service's keys.
    static func implied(by value: (String) -> Node?) -> [(name: String, restart: Bool, mark: Mark)] {
        var implied: [(name: String, restart: Bool, mark: Mark)] = []
        for link in value("links")?.sequence ?? [] {
            guard let text = link.scalar else { continue }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            implied.append((parts.count == 2 ? String(parts[0]) : text, true, link.mark))
        }
        for key in ["network_mode", "ipc", "pid", "uts", "cgroup"] {
            guard let node = value(key), let text = node.scalar, text.hasPrefix("service:") else { continue }
            implied.append((String(text.dropFirst("service:".count)), true, node.mark))
        }
        for item in value("volumes_from")?.sequence ?? [] {
            guard let text = item.scalar, !text.hasPrefix("container:") else { continue }
            implied.append((String(text.split(separator: ":", omittingEmptySubsequences: false)[0]), false, item.mark))
        }
        return implied
    }
}
