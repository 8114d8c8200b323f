import Compose

extension DesiredState {
    /// The planner's view of a project: host names of networks and volumes, services in start order.
    /// `selected` limits services to those named on the command line plus (unless `noDeps`) what they need.
    public init(project: Project, selected: [String] = [], noDeps: Bool = false) {
        let graph = ServiceGraph(project: project)
        var wanted = Set(selected.isEmpty ? graph.services : selected)
        if !noDeps && !selected.isEmpty {
            var queue = Array(wanted)
            while let name = queue.popLast() {
                for dependency in graph.dependencies[name] ?? [] where !wanted.contains(dependency) {
                    wanted.insert(dependency)
                    queue.append(dependency)
                }
            }
        }
        let ordered = graph.levels.flatMap { $0 }.filter { wanted.contains($0) }
        let networkName = { (key: String) in project.networks[key]?.name ?? "\(project.name)_\(key)" }
        let volumeName = { (key: String) in project.volumes[key]?.name ?? "\(project.name)_\(key)" }
        self.init(
            project: project.name,
            networks: project.networks.keys.sorted().compactMap { key in
                project.networks[key].map { DesiredNetwork(name: $0.name, external: $0.external) }
            },
            volumes: project.volumes.keys.sorted().compactMap { key in
                project.volumes[key].map { DesiredVolume(name: $0.name, external: $0.external) }
            },
            services: ordered.compactMap { name in
                guard let service = project.service(named: name) else { return nil }
                return DesiredService(
                    name: name, replicas: service.replicas, configHash: project.configHash(of: service),
                    dependencies: service.dependsOn.keys.sorted().compactMap { key in
                        guard let dependency = service.dependsOn[key], wanted.contains(key) else { return nil }
                        return Dependency(service: key, condition: Dependency.Condition(rawValue: dependency.condition.rawValue) ?? .started,
                                          restart: dependency.restart, required: dependency.required)
                    },
                    containerName: service.containerName,
                    networks: (graph.attachments[name] ?? []).map { networkName($0.network) },
                    volumes: (graph.volumes[name] ?? []).map(volumeName))
            },
            declaredServices: Set((project.services + project.disabledServices).map(\.name)))
    }
}

extension DesiredState {
    /// What is left to tear down when only the project's name is known (`down -p NAME` without a compose
    /// file): no services, so every container is an orphan, and the networks and volumes the project
    /// created. External ones were never created by it, so they are never among them.
    public init(leftoversOf observed: ObservedState, project: String) {
        self.init(project: project,
                  networks: observed.projectNetworks.sorted().map { DesiredNetwork(name: $0) },
                  volumes: observed.projectVolumes.sorted().map { DesiredVolume(name: $0) },
                  services: [])
    }
}
