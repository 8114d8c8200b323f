import YAML

/// A loaded compose project: validated, every short syntax in its long form, profiles applied.
public struct Project: Sendable, Equatable {
    public var name: String
    public var workingDirectory: String
    /// The files the project was read from, for the `config_files` label.
    public var configFiles: [String]
    /// Enabled services, sorted by name.
    public var services: [Service]
    /// Services left out by profiles, sorted by name.
    public var disabledServices: [Service]
    public var networks: [String: Resource]
    public var volumes: [String: Resource]
    public var secrets: [String: Resource]
    public var configs: [String: Resource]
    /// Top-level `x-*` keys, as written.
    public var extensions: [String: Node]
    /// The normalised document as docker compose prints it (`config`).
    public var node: Node
    /// Whether values went through interpolation (see `ComposeDocument.interpolated`).
    public var interpolated: Bool

    public init(document: ComposeDocument) throws(ComposeError) {
        let root = document.root
        guard root.pairs != nil else {
            throw ComposeError(root, "", "top-level must be a mapping, got \(root.kindName)")
        }
        try Self.validateProjectName(document.projectName, root)
        name = document.projectName
        workingDirectory = document.workingDirectory
        configFiles = document.configFiles
        interpolated = document.interpolated
        let context = NormalizeContext(workingDirectory: document.workingDirectory, environment: document.environment,
                                       interpolated: document.interpolated)
        guard let servicesNode = root["services"], !servicesNode.isNull else {
            throw ComposeError(root, "", "no service is defined: a compose file needs a services mapping")
        }
        let normalised = try Normalizer.object(root, ComposeSchema.project, "", context)

        var all: [Service] = []
        for (key, keyNode, raw) in servicesNode.keyedPairs {
            try Self.validateServiceName(key, keyNode)
            let long = normalised["services"]?[key] ?? .map([], at: raw.mark)
            all.append(try Service(name: key, node: long, source: raw, context: context))
        }
        all.sort { $0.name < $1.name }
        for index in all.indices where all[index].networks.isEmpty && all[index].networkMode == nil {
            all[index].attachDefaultNetwork()
        }
        let selection = ServiceSelection(all: all)
        services = selection.enabled(profiles: document.activeProfiles)
        disabledServices = []

        networks = Self.resources(normalised["networks"], project: name, source: root["networks"])
        volumes = Self.resources(normalised["volumes"], project: name, source: root["volumes"])
        secrets = Self.resources(normalised["secrets"], project: name, source: root["secrets"])
        configs = Self.resources(normalised["configs"], project: name, source: root["configs"])
        extensions = Dictionary(root.keyedPairs.filter { $0.key.hasPrefix("x-") }.map { ($0.key, Normalizer.typed($0.value)) }, uniquingKeysWith: { a, _ in a })
        node = .literal("null", at: root.mark)

        // As compose: the project is checked with the active profiles before services named on the
        // command line widen or narrow it; what they enable is checked too.
        settle(all)
        try ProjectValidator(project: self).validate()
        if !document.requestedServices.isEmpty {
            services = try selection.select(document.requestedServices, profiles: document.activeProfiles)
            settle(all)
            try ProjectValidator(project: self).validate()
        }
        dropUnusedResources()
        node = ProjectRendering.tree(self, normalised: normalised)
    }

    public func service(named name: String) -> Service? { services.first { $0.name == name } }

    /// Profiles named by any service, enabled or not, sorted.
    public var allProfiles: [String] {
        Array(Set((services + disabledServices).flatMap(\.profiles))).sorted()
    }

    // MARK: - Loading steps

    static func validateProjectName(_ name: String, _ root: Node) throws(ComposeError) {
        let mark = root["name"]?.mark ?? root.mark
        guard let first = name.unicodeScalars.first else {
            throw ComposeError(mark: mark, path: "name", message: "project name must not be empty")
        }
        let valid = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
        guard valid, ("a"..."z").contains(first) || ("0"..."9").contains(first) else {
            throw ComposeError(mark: mark, path: "name", message: "invalid project name \"\(name)\": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number")
        }
    }

    static func validateServiceName(_ name: String, _ keyNode: Node) throws(ComposeError) {
        let scalars = Array(name.unicodeScalars)
        func alnum(_ s: Unicode.Scalar) -> Bool { s.isASCII && (("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)) }
        guard let first = scalars.first, alnum(first), scalars.allSatisfy({ alnum($0) || "_.-".unicodeScalars.contains($0) }) else {
            throw ComposeError(keyNode, "services", "invalid service name \"\(name)\": must match [a-zA-Z0-9][a-zA-Z0-9_.-]*")
        }
    }

    /// Every service not enabled is disabled; the implicit `default` network exists once an enabled
    /// service uses it.
    private mutating func settle(_ all: [Service]) {
        let enabled = Set(services.map(\.name))
        disabledServices = all.filter { !enabled.contains($0.name) }
        if networks["default"] == nil, services.contains(where: { $0.networks.keys.contains("default") }) {
            let name = "\(self.name)_default"
            networks["default"] = Resource(key: "default", name: name, external: false,
                                           node: .map([("name", .text(name, at: node.mark))], at: node.mark))
        }
    }

    /// compose leaves out networks, volumes, secrets and configs no enabled service uses
    /// (`--all-resources` keeps them).
    private mutating func dropUnusedResources() {
        var used: [String: Set<String>] = [:]
        for service in services {
            used["networks", default: []].formUnion(service.networks.keys)
            for volume in service.node["volumes"]?.sequence ?? [] where volume["type"]?.scalar == "volume" {
                if let source = volume["source"]?.scalar, !source.isEmpty { used["volumes", default: []].insert(source) }
            }
            for key in ["secrets", "configs"] {
                used[key, default: []].formUnion((service.node[key]?.sequence ?? []).compactMap { $0["source"]?.scalar })
            }
            used["secrets", default: []].formUnion((service.node["build"]?["secrets"]?.sequence ?? []).compactMap { $0["source"]?.scalar })
        }
        networks = networks.filter { used["networks"]?.contains($0.key) == true }
        volumes = volumes.filter { used["volumes"]?.contains($0.key) == true }
        secrets = secrets.filter { used["secrets"]?.contains($0.key) == true }
        configs = configs.filter { used["configs"]?.contains($0.key) == true }
    }

    static func resources(_ normalised: Node?, project: String, source: Node?) -> [String: Resource] {
        var result: [String: Resource] = [:]
        for (key, _, long) in normalised?.keyedPairs ?? [] {
            var pairs = long.keyedPairs.map { ($0.key, $0.value) }
            ShortSyntax.resourceName(&pairs, source?[key] ?? long, key: key, project: project)
            let node = Node.map(pairs, at: long.mark)
            result[key] = Resource(key: key, name: node["name"]?.scalar ?? key, external: node["external"]?.bool == true, node: node)
        }
        return result
    }
}

/// A top-level network, volume, secret or config: its key, resolved name and normalised definition.
public struct Resource: Sendable, Equatable {
    public var key: String
    /// The name the runtime uses: `<project>_<key>` unless named or external.
    public var name: String
    public var external: Bool
    public var node: Node

    public subscript(key: String) -> String? { node[key]?.scalar }
}
