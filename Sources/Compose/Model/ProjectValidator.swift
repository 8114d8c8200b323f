import YAML

/// Cross-reference checks that need the whole project: dependencies, cycles, named resources,
/// container names.
struct ProjectValidator {
    let project: Project

    func validate() throws(ComposeError) {
        let enabled = Set(project.services.map(\.name))
        var containerNames: [String: String] = [:]
        for service in project.services {
            try checkDependencies(service, enabled)
            try checkReferences(service)
            try checkLimitConflicts(service)
            if let containerName = service.containerName {
                let node = service.node["container_name"] ?? service.node
                if let other = containerNames[containerName] {
                    throw ComposeError(node, "services.\(service.name).container_name",
                                       "container name \"\(containerName)\" is already used by service \"\(other)\"")
                }
                containerNames[containerName] = service.name
                if service.replicas > 1 {
                    throw ComposeError(node, "services.\(service.name).container_name",
                                       "container name \"\(containerName)\" must be unique, so the service cannot run \(service.replicas) replicas")
                }
            }
        }
        try checkCycles()
    }

    private func checkDependencies(_ service: Service, _ enabled: Set<String>) throws(ComposeError) {
        let path = "services.\(service.name).depends_on"
        for (name, keyNode, value) in service.node["depends_on"]?.keyedPairs ?? [] where !enabled.contains(name) {
            guard ServiceDependency(value).required else { continue }
            var message = "service \"\(service.name)\" depends on undefined service \"\(name)\""
            if let disabled = project.disabledServices.first(where: { $0.name == name }) {
                message += ": it is disabled by profiles \(disabled.profiles.joined(separator: ", ")); enable one with --profile"
            }
            throw ComposeError(keyNode, path, message)
        }
        if let mode = service.networkMode, mode.hasPrefix("service:"), !enabled.contains(String(mode.dropFirst(8))) {
            throw ComposeError(service.node["network_mode"] ?? service.node, "services.\(service.name).network_mode",
                               "service \"\(service.name)\" uses the network stack of undefined service \"\(mode.dropFirst(8))\"")
        }
    }

    private func checkReferences(_ service: Service) throws(ComposeError) {
        let base = "services.\(service.name)"
        for (name, keyNode, _) in service.node["networks"]?.keyedPairs ?? [] where project.networks[name] == nil {
            throw ComposeError(keyNode, "\(base).networks", "service \"\(service.name)\" refers to undefined network \(name)")
        }
        for (index, item) in (service.node["volumes"]?.sequence ?? []).enumerated() {
            guard item["type"]?.scalar == "volume", let source = item["source"]?.scalar, project.volumes[source] == nil else { continue }
            throw ComposeError(item, "\(base).volumes[\(index)]", "service \"\(service.name)\" refers to undefined volume \(source)")
        }
        for (kind, table) in [("secret", project.secrets), ("config", project.configs)] {
            for (index, item) in (service.node["\(kind)s"]?.sequence ?? []).enumerated() {
                guard let source = item["source"]?.scalar, table[source] == nil else { continue }
                throw ComposeError(item, "\(base).\(kind)s[\(index)]", "service \"\(service.name)\" refers to undefined \(kind) \(source)")
            }
        }
    }

    /// Service-level limits and `deploy.resources.limits` describe the same thing and must agree.
    private func checkLimitConflicts(_ service: Service) throws(ComposeError) {
        let limits = service.node["deploy"]?["resources"]?["limits"]
        for (key, deployKey) in [("cpus", "cpus"), ("mem_limit", "memory"), ("pids_limit", "pids")] {
            guard let own = service.node[key], let other = limits?[deployKey], own.scalar != other.scalar else { continue }
            throw ComposeError(own, "services.\(service.name)",
                               "can't set distinct values on '\(key)' and 'deploy.resources.limits.\(deployKey)'")
        }
    }

    /// Depth-first search; the first back edge found is reported as `a -> b -> a`.
    private func checkCycles() throws(ComposeError) {
        let byName = Dictionary(uniqueKeysWithValues: project.services.map { ($0.name, $0) })
        var state: [String: Bool] = [:]  // false: on the stack, true: done
        var stack: [String] = []
        func visit(_ name: String) throws(ComposeError) {
            if state[name] == true { return }
            if state[name] == false {
                let cycle = stack[stack.lastIndex(of: name)!...] + [name]
                let service = byName[stack.last!]!
                throw ComposeError(service.node["depends_on"]?.pairs?.first { $0.key.scalar == name }?.key ?? service.node,
                                   "services.\(service.name).depends_on",
                                   "dependency cycle detected: \(cycle.joined(separator: " -> "))")
            }
            guard let service = byName[name] else { return }
            state[name] = false
            stack.append(name)
            for dependency in service.dependencies.sorted() { try visit(dependency) }
            stack.removeLast()
            state[name] = true
        }
        for service in project.services { try visit(service.name) }
    }
}
