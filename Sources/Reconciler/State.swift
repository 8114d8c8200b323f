/// What the compose file asks for, reduced to what the planner compares. Built from a `Project`.
public struct DesiredState: Sendable, Equatable {
    public var project: String
    public var networks: [DesiredNetwork]
    public var volumes: [DesiredVolume]
    /// In dependency order (a service comes after everything it depends on).
    public var services: [DesiredService]
    /// Every service the compose file declares, selected or not, profiles disabled or not: containers of
    /// any other service are orphans.
    public var declaredServices: Set<String>

    public init(project: String, networks: [DesiredNetwork], volumes: [DesiredVolume], services: [DesiredService],
                declaredServices: Set<String>? = nil) {
        self.project = project
        self.networks = networks
        self.volumes = volumes
        self.services = services
        self.declaredServices = declaredServices ?? Set(services.map(\.name))
    }
}

public struct DesiredNetwork: Sendable, Equatable {
    /// The name on the host, e.g. `shop_default`.
    public var name: String
    public var external: Bool
    public init(name: String, external: Bool = false) {
        self.name = name
        self.external = external
    }
}

public struct DesiredVolume: Sendable, Equatable {
    public var name: String
    public var external: Bool
    public init(name: String, external: Bool = false) {
        self.name = name
        self.external = external
    }
}

public struct Dependency: Sendable, Equatable {
    public enum Condition: String, Sendable {
        case started = "service_started"
        case healthy = "service_healthy"
        case completedSuccessfully = "service_completed_successfully"
    }

    public var service: String
    public var condition: Condition
    /// `restart: true`: recreating the dependency restarts this service too.
    public var restart: Bool
    /// `required: false`: a missing or failed dependency only warns.
    public var required: Bool

    public init(service: String, condition: Condition = .started, restart: Bool = false, required: Bool = true) {
        self.service = service
        self.condition = condition
        self.restart = restart
        self.required = required
    }
}

public struct DesiredService: Sendable, Equatable {
    public var name: String
    public var replicas: Int
    public var configHash: String
    public var dependencies: [Dependency]
    /// `container_name`, which forbids more than one replica.
    public var containerName: String?
    public var networks: [String]
    public var volumes: [String]
    /// The image containers must run, when known (`up --build` just built it): others are recreated.
    public var imageID: String?

    public init(name: String, replicas: Int = 1, configHash: String, dependencies: [Dependency] = [],
                containerName: String? = nil, networks: [String] = [], volumes: [String] = []) {
        self.name = name
        self.replicas = replicas
        self.configHash = configHash
        self.dependencies = dependencies
        self.containerName = containerName
        self.networks = networks
        self.volumes = volumes
    }
}

/// What exists, gathered once per command from the state root and checked against the kernel.
public struct ObservedState: Sendable, Equatable {
    /// Every network and volume on the host, whoever made it.
    public var networks: Set<String>
    public var volumes: Set<String>
    public var containers: [ObservedContainer]
    /// The networks and volumes this project created (its link group, its volume records): what `down`
    /// removes when only the project's name is known.
    public var projectNetworks: Set<String>
    public var projectVolumes: Set<String>

    public init(networks: Set<String> = [], volumes: Set<String> = [], containers: [ObservedContainer] = [],
                projectNetworks: Set<String> = [], projectVolumes: Set<String> = []) {
        self.networks = networks
        self.volumes = volumes
        self.containers = containers
        self.projectNetworks = projectNetworks
        self.projectVolumes = projectVolumes
    }
}

public struct ObservedContainer: Sendable, Equatable {
    public enum Status: String, Sendable {
        case created, running, paused, restarting, exited
        /// The state says running but its supervisor is gone: `up` repairs it, `down` removes it.
        case orphaned
    }

    public var id: String
    public var name: String
    public var service: String
    public var number: Int
    public var configHash: String
    public var status: Status
    public var oneOff: Bool
    public var imageID = ""

    public init(id: String, name: String, service: String, number: Int, configHash: String,
                status: Status, oneOff: Bool = false) {
        self.id = id
        self.name = name
        self.service = service
        self.number = number
        self.configHash = configHash
        self.status = status
        self.oneOff = oneOff
    }
}
