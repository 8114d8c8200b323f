/// Options of `up` that change what the plan contains.
public struct UpOptions: Sendable, Equatable {
    public var forceRecreate = false
    public var noRecreate = false
    public var removeOrphans = false
    /// `--scale SVC=N` overrides.
    public var scale: [String: Int] = [:]
    public init() {}
}

public struct DownOptions: Sendable, Equatable {
    public var removeVolumes = false
    public var removeOrphans = false
    public init() {}
}

public enum PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    case externalNetworkMissing(String)
    case externalVolumeMissing(String)

    public var description: String {
        switch self {
        case .externalNetworkMissing(let name):
            return "network \(name) declared as external, but could not be found: create it first"
        case .externalVolumeMissing(let name):
            return "external volume \"\(name)\" not found: create it first"
        }
    }
}

/// Pure planning: no syscalls, no files. Same inputs, same plan, same text.
public enum Planner {
    public static func containerName(project: String, service: DesiredService, number: Int) -> String {
        service.containerName ?? "\(project)-\(service.name)-\(number)"
    }

    /// Why `container` must be replaced, or nil to keep it. The one place that decides "recreate".
    static func recreateCause(_ container: ObservedContainer, _ service: DesiredService, _ options: UpOptions,
                              recreatedDependency: String?) -> String? {
        if options.noRecreate { return nil }
        if options.forceRecreate { return "forced" }
        if container.configHash != service.configHash { return "config hash changed" }
        if let image = service.imageID, image != container.imageID { return "image changed" }
        if let dependency = recreatedDependency { return "dependency \(dependency) recreated" }
        return nil
    }

    public static func planUp(desired: DesiredState, observed: ObservedState, options: UpOptions = UpOptions()) throws(PlanError) -> Plan {
        var plan = Plan()
        var networkNodes: [String: Int] = [:]
        for network in desired.networks where !observed.networks.contains(network.name) {
            if network.external { throw .externalNetworkMissing(network.name) }
            networkNodes[network.name] = plan.add(.createNetwork(network.name), cause: "missing")
        }
        var volumeNodes: [String: Int] = [:]
        for volume in desired.volumes where !observed.volumes.contains(volume.name) {
            if volume.external { throw .externalVolumeMissing(volume.name) }
            volumeNodes[volume.name] = plan.add(.createVolume(volume.name), cause: "missing")
        }

        var serviceNodes: [String: [Int]] = [:]
        var recreated: Set<String> = []
        var awaitNodes: [String: Int] = [:]
        let byService = Dictionary(grouping: observed.containers.filter { !$0.oneOff }, by: \.service)

        for service in desired.services {
            let recreatedDependency = service.dependencies.first { recreated.contains($0.service) }?.service
            let existing = (byService[service.name] ?? []).sorted { $0.number < $1.number }
            let replicas = options.scale[service.name] ?? service.replicas

            // Scale down first, highest numbers removed first.
            for container in existing.filter({ $0.number > replicas }).reversed() {
                plan.add(.removeContainer(container), cause: "scale down to \(replicas)")
            }
            var work: [(Operation, String)] = []
            for number in stride(from: 1, through: replicas, by: 1) {
                let name = containerName(project: desired.project, service: service, number: number)
                if let container = existing.first(where: { $0.number == number }) {
                    if let cause = recreateCause(container, service, options, recreatedDependency: recreatedDependency) {
                        work.append((.recreateContainer(old: container, name: name), cause))
                        recreated.insert(service.name)
                    } else if container.status != .running && container.status != .paused {
                        work.append((.startContainer(container), container.status.rawValue))
                    }
                } else {
                    work.append((.createContainer(service: service.name, number: number, name: name), "missing"))
                }
            }
            guard !work.isEmpty else { continue }

            // Only a service that starts something waits for its dependencies' conditions.
            var after = service.networks.compactMap { networkNodes[$0] } + service.volumes.compactMap { volumeNodes[$0] }
            for dependency in service.dependencies {
                let nodes = serviceNodes[dependency.service] ?? []
                if dependency.condition == .started {
                    after += nodes
                    continue
                }
                let key = "\(dependency.service) \(dependency.condition.rawValue)"
                if awaitNodes[key] == nil {
                    awaitNodes[key] = plan.add(.awaitService(dependency.service, dependency.condition), after: nodes,
                                               cause: "required by \(service.name)")
                }
                after.append(awaitNodes[key]!)
            }
            serviceNodes[service.name] = work.map { plan.add($0.0, after: after, cause: $0.1) }
        }

        for container in observed.containers where !desired.declaredServices.contains(container.service) && !container.oneOff {
            if options.removeOrphans {
                plan.add(.removeContainer(container), cause: "orphan")
            } else {
                plan.warnings.append("Found orphan containers ([\(container.name)]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.")
            }
        }
        return plan
    }

    /// Teardown in reverse dependency order: dependents go before what they depend on, networks and
    /// volumes after every container. Named volumes stay unless `removeVolumes`; external ones always stay.
    public static func planDown(desired: DesiredState, observed: ObservedState, options: DownOptions = DownOptions()) -> Plan {
        var plan = Plan()
        let known = Set(desired.services.map(\.name))
        var removalNodes: [String: [Int]] = [:]
        var all: [Int] = []
        for service in desired.services.reversed() {
            let dependents = desired.services.filter { $0.dependencies.contains { $0.service == service.name } }
            let after = dependents.flatMap { removalNodes[$0.name] ?? [] }
            var nodes: [Int] = []
            for container in observed.containers.filter({ $0.service == service.name }).sorted(by: { $0.number > $1.number }) {
                nodes.append(plan.add(.removeContainer(container), after: after, cause: container.oneOff ? "one-off" : "down"))
            }
            removalNodes[service.name] = nodes
            all += nodes
        }
        for container in observed.containers where !known.contains(container.service) {
            if options.removeOrphans {
                all.append(plan.add(.removeContainer(container), cause: "orphan"))
            } else {
                plan.warnings.append("Found orphan containers ([\(container.name)]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.")
            }
        }
        for network in desired.networks where !network.external && observed.networks.contains(network.name) {
            plan.add(.removeNetwork(network.name), after: all, cause: "down")
        }
        if options.removeVolumes {
            for volume in desired.volumes where !volume.external && observed.volumes.contains(volume.name) {
                plan.add(.removeVolume(volume.name), after: all, cause: "down -v")
            }
        }
        return plan
    }
}
