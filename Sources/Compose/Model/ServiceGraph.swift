/// The runtime's view of a project: services, the networks each joins (with aliases), the volumes
/// they use, and the dependency order.
public struct ServiceGraph: Sendable, Equatable {
    public struct Attachment: Sendable, Hashable {
        public var network: String
        /// The service name first, then its configured aliases.
        public var aliases: [String]
        public var ipv4Address: String?
        public var ipv6Address: String?
    }

    public var services: [String]
    /// Per service, its networks in attach order (priority, then name).
    public var attachments: [String: [Attachment]]
    /// Per service, the named volumes it mounts.
    public var volumes: [String: [String]]
    /// Per service, the services it needs first.
    public var dependencies: [String: Set<String>]
    /// Start order: every service's dependencies are in an earlier level; a level's services are independent.
    public var levels: [[String]]

    /// Teardown order: dependents before what they depend on.
    public var reverseLevels: [[String]] { levels.reversed() }

    public init(project: Project) {
        let known = Set(project.services.map(\.name))
        services = project.services.map(\.name)
        var attachments: [String: [Attachment]] = [:]
        var volumes: [String: [String]] = [:]
        var dependencies: [String: Set<String>] = [:]
        for service in project.services {
            let networks = service.networks
            attachments[service.name] = service.networksByPriority.map { name in
                let config = networks[name]
                return Attachment(network: name, aliases: [service.name] + (config?.aliases ?? []),
                                  ipv4Address: config?.ipv4Address, ipv6Address: config?.ipv6Address)
            }
            volumes[service.name] = service.volumes.filter { $0.type == "volume" }.compactMap(\.source)
            dependencies[service.name] = service.dependencies.intersection(known)
        }
        self.attachments = attachments
        self.volumes = volumes
        self.dependencies = dependencies
        levels = Self.levels(services, dependencies)
    }

    /// Kahn's algorithm by depth; the validator has already rejected cycles.
    static func levels(_ services: [String], _ dependencies: [String: Set<String>]) -> [[String]] {
        var placed: Set<String> = []
        var levels: [[String]] = []
        var remaining = services
        while !remaining.isEmpty {
            let ready = remaining.filter { (dependencies[$0] ?? []).isSubset(of: placed) }.sorted()
            guard !ready.isEmpty else { levels.append(remaining.sorted()); break }
            levels.append(ready)
            placed.formUnion(ready)
            remaining.removeAll { placed.contains($0) }
        }
        return levels
    }
}
