import YAML

/// A published port in long form.
public struct ServicePort: Sendable, Hashable {
    public var mode: String
    public var hostIP: String?
    public var target: Int
    /// A port or a `start-end` range; nil lets the runtime pick one.
    public var published: String?
    public var proto: String
    public var name: String?
    public var appProtocol: String?

    init(_ node: Node) {
        mode = node["mode"]?.scalar ?? "ingress"
        hostIP = node["host_ip"]?.scalar
        target = node["target"]?.int ?? 0
        published = node["published"]?.scalar
        proto = node["protocol"]?.scalar ?? "tcp"
        name = node["name"]?.scalar
        appProtocol = node["app_protocol"]?.scalar
    }
}

/// A service mount in long form: bind, volume, tmpfs, npipe, cluster or image.
public struct ServiceVolume: Sendable, Hashable {
    public var type: String
    /// Absolute host path for binds, volume key for volumes, nil for anonymous volumes and tmpfs.
    public var source: String?
    public var target: String
    public var readOnly: Bool
    public var createHostPath: Bool
    public var selinux: String?
    public var propagation: String?
    public var noCopy: Bool
    public var subpath: String?
    public var tmpfsSize: Int64?
    public var tmpfsMode: Int?

    init(_ node: Node) {
        type = node["type"]?.scalar ?? "volume"
        source = node["source"]?.scalar
        target = node["target"]?.scalar ?? ""
        readOnly = node["read_only"]?.bool ?? false
        createHostPath = node["bind"]?["create_host_path"]?.bool ?? false
        selinux = node["bind"]?["selinux"]?.scalar
        propagation = node["bind"]?["propagation"]?.scalar
        noCopy = node["volume"]?["nocopy"]?.bool ?? false
        subpath = node["volume"]?["subpath"]?.scalar ?? node["image"]?["subpath"]?.scalar
        tmpfsSize = node["tmpfs"]?["size"]?.scalar.flatMap { Int64($0) }
        tmpfsMode = node["tmpfs"]?["mode"]?.int
    }
}

/// How a service joins one network.
public struct ServiceNetwork: Sendable, Hashable {
    public var aliases: [String]
    public var ipv4Address: String?
    public var ipv6Address: String?
    public var macAddress: String?
    public var interfaceName: String?
    public var priority: Int
    public var gatewayPriority: Int

    init(_ node: Node) {
        aliases = node["aliases"]?.sequence?.compactMap(\.scalar) ?? []
        ipv4Address = node["ipv4_address"]?.scalar
        ipv6Address = node["ipv6_address"]?.scalar
        macAddress = node["mac_address"]?.scalar
        interfaceName = node["interface_name"]?.scalar
        priority = node["priority"]?.int ?? 0
        gatewayPriority = node["gw_priority"]?.int ?? 0
    }
}

public struct ServiceDependency: Sendable, Hashable {
    public enum Condition: String, Sendable {
        case started = "service_started", healthy = "service_healthy", completedSuccessfully = "service_completed_successfully"
    }

    public var condition: Condition
    public var required: Bool
    /// Restart this service when the dependency is restarted.
    public var restart: Bool

    init(_ node: Node) {
        condition = node["condition"]?.scalar.flatMap(Condition.init(rawValue:)) ?? .started
        required = node["required"]?.bool ?? true
        restart = node["restart"]?.bool ?? false
    }
}

public struct Healthcheck: Sendable, Hashable {
    /// `["CMD", ...]`, `["CMD-SHELL", cmd]` or `["NONE"]`; empty inherits the image's.
    public var test: [String]
    public var interval: ComposeDuration?
    public var timeout: ComposeDuration?
    public var startPeriod: ComposeDuration?
    public var startInterval: ComposeDuration?
    public var retries: Int?
    public var disable: Bool

    init(_ node: Node) {
        func duration(_ key: String) -> ComposeDuration? { node[key]?.scalar.flatMap(ComposeDuration.init(parsing:)) }
        test = node["test"]?.sequence?.compactMap(\.scalar) ?? []
        interval = duration("interval")
        timeout = duration("timeout")
        startPeriod = duration("start_period")
        startInterval = duration("start_interval")
        retries = node["retries"]?.int
        disable = node["disable"]?.bool ?? false || test.first == "NONE"
    }
}

public struct Build: Sendable, Hashable {
    /// Absolute directory, or a URL for remote contexts.
    public var context: String
    public var dockerfile: String?
    public var dockerfileInline: String?
    public var args: [String: String?]
    public var target: String?
    public var tags: [String]
    public var labels: [String: String]
    /// Every key the section sets, for reporting those a builder ignores.
    public var keys: [String]

    init(_ node: Node) {
        context = node["context"]?.scalar ?? "."
        dockerfile = node["dockerfile"]?.scalar
        dockerfileInline = node["dockerfile_inline"]?.scalar
        args = optionalStrings(node["args"])
        target = node["target"]?.scalar
        tags = node["tags"]?.sequence?.compactMap(\.scalar) ?? []
        labels = strings(node["labels"])
        keys = (node.pairs ?? []).compactMap(\.key.scalar)
    }
}

public struct Deploy: Sendable, Hashable {
    public struct Limits: Sendable, Hashable {
        public var cpus: Double?
        public var memory: Int64?
        public var pids: Int?

        init(_ node: Node?) {
            cpus = node?["cpus"]?.scalar.flatMap { Double($0) }
            memory = node?["memory"]?.scalar.flatMap { Int64($0) }
            pids = node?["pids"]?.int
        }
    }

    public var replicas: Int?
    public var limits: Limits
    public var reservations: Limits
    public var restartCondition: String?
    public var restartDelay: ComposeDuration?
    public var restartMaxAttempts: Int?

    init(_ node: Node) {
        replicas = node["replicas"]?.int
        limits = Limits(node["resources"]?["limits"])
        reservations = Limits(node["resources"]?["reservations"])
        restartCondition = node["restart_policy"]?["condition"]?.scalar
        restartDelay = node["restart_policy"]?["delay"]?.scalar.flatMap(ComposeDuration.init(parsing:))
        restartMaxAttempts = node["restart_policy"]?["max_attempts"]?.int
    }
}

/// `nofile: 1024` has soft == hard.
public struct Ulimit: Sendable, Hashable {
    public var soft: Int
    public var hard: Int

    init(_ node: Node) {
        let single = node.int
        soft = single ?? node["soft"]?.int ?? 0
        hard = single ?? node["hard"]?.int ?? 0
    }
}

/// A service's use of a secret or config.
public struct FileReference: Sendable, Hashable {
    public var source: String
    public var target: String?
    public var uid: String?
    public var gid: String?
    public var mode: Int?

    init(_ node: Node) {
        source = node["source"]?.scalar ?? ""
        target = node["target"]?.scalar
        uid = node["uid"]?.scalar
        gid = node["gid"]?.scalar
        mode = node["mode"]?.scalar.flatMap { Int($0, radix: 8) }
    }
}

public struct DeviceMapping: Sendable, Hashable {
    public var source: String
    public var target: String
    public var permissions: String

    init(_ node: Node) {
        source = node["source"]?.scalar ?? ""
        target = node["target"]?.scalar ?? source
        permissions = node["permissions"]?.scalar ?? "rwm"
    }
}
