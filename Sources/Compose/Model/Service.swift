import YAML

/// One service in its normalised long form. `node` holds every key as `config` prints it; the typed
/// properties read the parts the runtime acts on.
public struct Service: Sendable, Equatable {
    public var name: String
    public var node: Node
    /// `env_file` entries with absolute paths. Empty after a load that folded their values into
    /// `environment` (the default); kept when loading with `resolveEnvironment: false`.
    public var envFiles: [EnvFile]

    init(name: String, node: Node, source: Node, context: NormalizeContext) throws(ComposeError) {
        self.name = name
        self.node = node
        let path = "services.\(name).env_file"
        envFiles = try source["env_file"].map { (raw) throws(ComposeError) in
            try ShortSyntax.envFiles(raw, path, context).sequence ?? []
        }?.map { EnvFile(path: $0["path"]?.scalar ?? "", required: $0["required"]?.bool ?? true, format: $0["format"]?.scalar) } ?? []
    }

    public struct EnvFile: Sendable, Hashable {
        public var path: String
        public var required: Bool
        /// `raw` reads values verbatim; nil is the dotenv syntax.
        public var format: String?
    }

    mutating func attachDefaultNetwork() {
        set("networks", .map([("default", .literal("null", at: node.mark))], at: node.mark))
    }

    /// Replaces or inserts a key, keeping the printed key order.
    mutating func set(_ key: String, _ value: Node) {
        guard case .mapping(var pairs) = node.kind else { return }
        let pair = Node.Pair(key: .text(key, at: value.mark), value: value)
        if let index = pairs.firstIndex(where: { $0.key.scalar == key }) {
            pairs[index] = pair
        } else {
            let order = ComposeSchema.service.keys
            let rank = order.firstIndex(of: key) ?? order.count
            let at = pairs.firstIndex { (order.firstIndex(of: $0.key.scalar ?? "") ?? Int.max) > rank } ?? pairs.endIndex
            pairs.insert(pair, at: at)
        }
        node.kind = .mapping(pairs)
    }

    mutating func remove(_ key: String) {
        guard case .mapping(let pairs) = node.kind else { return }
        node.kind = .mapping(pairs.filter { $0.key.scalar != key })
    }

    // MARK: - Typed views

    public var image: String? { node["image"]?.scalar }
    public var build: Build? { node["build"].map(Build.init) }
    public var command: [String]? { node["command"]?.sequence?.compactMap(\.scalar) }
    public var entrypoint: [String]? { node["entrypoint"]?.sequence?.compactMap(\.scalar) }
    /// nil values are variables to unset.
    public var environment: [String: String?] { optionalStrings(node["environment"]) }
    public var labels: [String: String] { strings(node["labels"]) }
    public var sysctls: [String: String] { strings(node["sysctls"]) }
    public var profiles: [String] { list("profiles") }
    public var capAdd: [String] { list("cap_add") }
    public var capDrop: [String] { list("cap_drop") }
    public var tmpfs: [String] { list("tmpfs") }
    public var dns: [String] { list("dns") }
    public var securityOpt: [String] { list("security_opt") }
    /// `host=ip` entries split into pairs.
    public var extraHosts: [(host: String, address: String)] {
        list("extra_hosts").map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }
    public var ports: [ServicePort] { node["ports"]?.sequence?.map(ServicePort.init) ?? [] }
    public var volumes: [ServiceVolume] { node["volumes"]?.sequence?.map(ServiceVolume.init) ?? [] }
    public var networks: [String: ServiceNetwork] {
        Dictionary(uniqueKeysWithValues: (node["networks"]?.keyedPairs ?? []).map { ($0.key, ServiceNetwork($0.value)) })
    }
    /// Network names by `priority` (highest first), then name: the order to attach them.
    public var networksByPriority: [String] {
        networks.sorted { $0.value.priority != $1.value.priority ? $0.value.priority > $1.value.priority : $0.key < $1.key }.map(\.key)
    }
    public var dependsOn: [String: ServiceDependency] {
        Dictionary(uniqueKeysWithValues: (node["depends_on"]?.keyedPairs ?? []).map { ($0.key, ServiceDependency($0.value)) })
    }
    public var healthcheck: Healthcheck? { node["healthcheck"].map(Healthcheck.init) }
    public var deploy: Deploy? { node["deploy"].map(Deploy.init) }
    public var ulimits: [String: Ulimit] {
        Dictionary(uniqueKeysWithValues: (node["ulimits"]?.keyedPairs ?? []).map { ($0.key, Ulimit($0.value)) })
    }
    public var secrets: [FileReference] { node["secrets"]?.sequence?.map(FileReference.init) ?? [] }
    public var configs: [FileReference] { node["configs"]?.sequence?.map(FileReference.init) ?? [] }
    public var devices: [DeviceMapping] { node["devices"]?.sequence?.map(DeviceMapping.init) ?? [] }
    public var logging: (driver: String?, options: [String: String])? {
        node["logging"].map { ($0["driver"]?.scalar, strings($0["options"])) }
    }

    public var containerName: String? { node["container_name"]?.scalar }
    public var hostname: String? { node["hostname"]?.scalar }
    public var domainName: String? { node["domainname"]?.scalar }
    public var user: String? { node["user"]?.scalar }
    public var workingDir: String? { node["working_dir"]?.scalar }
    public var restart: String? { node["restart"]?.scalar }
    public var pullPolicy: String? { node["pull_policy"]?.scalar }
    public var networkMode: String? { node["network_mode"]?.scalar }
    public var pid: String? { node["pid"]?.scalar }
    public var ipc: String? { node["ipc"]?.scalar }
    public var stopSignal: String? { node["stop_signal"]?.scalar }
    public var platform: String? { node["platform"]?.scalar }
    public var stopGracePeriod: ComposeDuration? { node["stop_grace_period"]?.scalar.flatMap(ComposeDuration.init(parsing:)) }
    public var memLimit: Int64? { node["mem_limit"]?.scalar.flatMap { Int64($0) } }
    public var memReservation: Int64? { node["mem_reservation"]?.scalar.flatMap { Int64($0) } }
    public var shmSize: Int64? { node["shm_size"]?.scalar.flatMap { Int64($0) } }
    public var cpus: Double? { node["cpus"]?.scalar.flatMap { Double($0) } }
    public var pidsLimit: Int? { node["pids_limit"]?.int }
    public var initProcess: Bool? { node["init"]?.bool }
    public var privileged: Bool { node["privileged"]?.bool ?? false }
    public var readOnly: Bool { node["read_only"]?.bool ?? false }
    public var tty: Bool { node["tty"]?.bool ?? false }
    public var stdinOpen: Bool { node["stdin_open"]?.bool ?? false }
    /// `scale`, else `deploy.replicas`, else 1.
    public var replicas: Int { node["scale"]?.int ?? deploy?.replicas ?? 1 }
    /// `x-*` keys of the service, as written.
    public var extensions: [String: Node] {
        Dictionary(uniqueKeysWithValues: node.keyedPairs.filter { $0.key.hasPrefix("x-") }.map { ($0.key, $0.value) })
    }

    /// Services this one needs started first: `depends_on`, `network_mode: service:x`, `volumes_from`, `links`.
    public var dependencies: Set<String> {
        var names = Set(dependsOn.keys)
        if let mode = networkMode, mode.hasPrefix("service:") { names.insert(String(mode.dropFirst(8))) }
        for source in list("volumes_from") where !source.hasPrefix("container:") {
            names.insert(String(source.split(separator: ":").first ?? ""))
        }
        for link in list("links") { names.insert(String(link.split(separator: ":").first ?? "")) }
        return names
    }

    private func list(_ key: String) -> [String] { node[key]?.sequence?.compactMap(\.scalar) ?? [] }
}

func strings(_ node: Node?) -> [String: String] {
    Dictionary(uniqueKeysWithValues: (node?.keyedPairs ?? []).map { ($0.key, $0.value.scalar ?? "") })
}

func optionalStrings(_ node: Node?) -> [String: String?] {
    Dictionary(uniqueKeysWithValues: (node?.keyedPairs ?? []).map { ($0.key, $0.value.style == .plain ? nil : $0.value.scalar) })
}
