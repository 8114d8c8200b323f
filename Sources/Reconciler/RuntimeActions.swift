import Compose
import Glibc
import Images
import Linux
import NetAddress
import Network
import Supervisor

/// Carries out plan steps against the real runtime. Decides nothing: the plan says what, this says how.
public struct RuntimeActions: PlanActions {
    public struct Options: Sendable {
        public var noStart = false
        /// `-t`: seconds before SIGKILL when stopping; nil uses each service's stop_grace_period.
        public var timeout: Double?
        public var pull: ImageProvisioner.Policy?
        public init() {}
    }

    public let project: Project
    public let runtime: ProjectRuntime
    public let builder: ContainerSpecBuilder
    public let provisioner: ImageProvisioner
    public let options: Options
    private let images: ImageCache

    public init(project: Project, runtime: ProjectRuntime, provisioner: ImageProvisioner, version: String, options: Options) {
        self.project = project
        self.runtime = runtime
        self.provisioner = provisioner
        self.options = options
        builder = ContainerSpecBuilder(project: project, root: runtime.root, images: provisioner.store, version: version)
        images = ImageCache()
    }

    public func perform(_ node: PlanNode) async throws {
        switch node.operation {
        case .createNetwork(let name):
            let manager = try NetworkManager(stateRoot: runtime.root)
            _ = try manager.create(networkSpec(name))
        case .removeNetwork(let name):
            let manager = try NetworkManager(stateRoot: runtime.root)
            // Veths of containers whose netns is already gone go with the project's link group, in one request.
            try manager.deleteLinks(project: project.name)
            try manager.remove(network: name)
        case .createVolume(let name):
            try VolumeStore(root: runtime.root).create(name, project: runtime.projectName)
        case .removeVolume(let name):
            try VolumeStore(root: runtime.root).remove(name)
        case .createContainer(let service, let number, let name):
            try await create(service: service, number: number, name: name, start: !options.noStart)
        case .recreateContainer(let old, let name):
            // The replacement exists before the old one goes: a missing image or a bad setting stops here, with
            // the old container still serving. docker compose's temporary name is not needed: state goes by ID.
            guard let created = try await create(service: old.service, number: old.number, name: name, start: false) else { return }
            try await blocking {
                try remove(old)
                if !options.noStart { try runtime.containers.start(created) }
            }
        case .startContainer(let container):
            try await blocking {
                if container.status == .orphaned {
                    // Its supervisor died: reap what is left before starting afresh.
                    try runtime.containers.stop(container.id, timeout: 0)
                }
                try startTolerantly(container.id)
            }
        case .removeContainer(let container):
            try await blocking { try remove(container) }
        case .awaitService(let service, let condition):
            try await wait(for: service, condition)
        }
    }

    /// Returns the new container's ID (nil for a service the project no longer has).
    @discardableResult
    private func create(service name: String, number: Int, name containerName: String, start: Bool) async throws -> String? {
        guard let service = project.service(named: name) else { return nil }
        let image = try await images.image(for: service) {
            try await provisioner.ensure(service: service.name, image: service.image,
                                         policy: options.pull ?? ImageProvisioner.Policy(service.pullPolicy),
                                         platform: service.platform, hasBuild: service.build != nil)
        }
        let spec = try builder.build(service: service, image: image, name: containerName, number: number)
        try await blocking {
            let created = try runtime.containers.create(spec) { try builder.prepareFiles($0, service: service, in: $1) }
            if start { try runtime.containers.start(created.container.id) }
        }
        return spec.container.id
    }

    /// Supervisor round trips block: each gets its own thread so independent containers really go in parallel.
    private func blocking(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await DetachedThread.run(body)
    }

    /// A killed earlier command may have left a supervisor that is starting this very container: that is
    /// the state we want, not an error.
    private func startTolerantly(_ id: String) throws {
        do {
            try runtime.containers.start(id)
        } catch ContainerStoreError.alreadyRunning {
            return
        }
    }

    private func remove(_ container: ObservedContainer) throws {
        if container.status == .running || container.status == .paused || container.status == .restarting || container.status == .orphaned {
            try runtime.containers.stop(container.id, timeout: options.timeout)
        }
        try runtime.containers.remove(container.id, force: true)
    }

    /// Polls the service's containers until they meet `condition`; fails fast on unhealthy or a bad exit.
    private func wait(for service: String, _ condition: Dependency.Condition) async throws {
        while true {
            let containers = runtime.projectContainers().filter { $0.service == service && !$0.oneOff }
            var done = !containers.isEmpty
            for container in containers {
                let state = container.state
                switch condition {
                case .started:
                    done = done && state.status != .created
                case .healthy:
                    if state.health?.status == .unhealthy {
                        throw DependencyError(message: "dependency failed to start: container \(container.name) is unhealthy")
                    }
                    if state.status == .exited || state.status == .dead {
                        throw DependencyError(message: "dependency failed to start: container \(container.name) exited (\(state.exitCode ?? 0))")
                    }
                    if state.health == nil {
                        throw DependencyError(message: "dependency failed to start: container \(container.name) has no healthcheck configured")
                    }
                    done = done && state.health?.status == .healthy
                case .completedSuccessfully:
                    if state.status == .exited, let code = state.exitCode, code != 0 {
                        throw DependencyError(message: "service \"\(service)\" didn't complete successfully: exit \(code)")
                    }
                    done = done && state.status == .exited
                }
            }
            if done { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func networkSpec(_ name: String) -> NetworkSpec {
        guard let resource = project.networks.values.first(where: { $0.name == name }) else {
            return NetworkSpec(name: name, project: project.name)
        }
        let node = resource.node
        let options = node["driver_opts"]
        let ipam = (node["ipam"]?["config"]?.sequence ?? []).map { entry in
            IPAMConfig(subnet: entry["subnet"]?.scalar.flatMap(CIDR.init), ipRange: entry["ip_range"]?.scalar.flatMap(CIDR.init),
                       gateway: entry["gateway"]?.scalar.flatMap(IPAddress.init),
                       auxAddresses: Dictionary(uniqueKeysWithValues: (entry["aux_addresses"]?.pairs ?? []).compactMap { pair in
                           pair.value.scalar.flatMap(IPAddress.init).flatMap { address in pair.key.scalar.map { ($0, address) } }
                       }))
        }
        return NetworkSpec(name: name, project: project.name, isInternal: node["internal"]?.bool == true,
                           enableIPv6: node["enable_ipv6"]?.bool == true, ipam: ipam,
                           mtu: options?["com.docker.network.driver.mtu"]?.scalar.flatMap { UInt32($0) },
                           masquerade: options?["com.docker.network.bridge.enable_ip_masquerade"]?.scalar != "false")
    }
}

public struct DependencyError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// One image resolution per service per command, however many replicas ask at once.
actor ImageCache {
    private var tasks: [String: Task<ImageRecord, any Error>] = [:]

    func image(for service: Service, _ resolve: @escaping @Sendable () async throws -> ImageRecord) async throws -> ImageRecord {
        if let task = tasks[service.name] { return try await task.value }
        let task = Task { try await resolve() }
        tasks[service.name] = task
        return try await task.value
    }
}
