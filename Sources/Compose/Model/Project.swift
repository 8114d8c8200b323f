import YAML

/// A loaded compose project: validated, every short syntax in its long form, profiles applied.
public struct Project: Sendable, Equatable {
    public var name: String
    public var workingDirectory: String
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

    public init(document: ComposeDocument) throws(ComposeError) {
        let root = document.root
        guard root.pairs != nil else {
            throw ComposeError(root, "", "top-level must be a mapping, got \(root.kindName)")
        }
        try Self.validateProjectName(document.projectName, root)
        name = document.projectName
        workingDirectory = document.workingDirectory
        let context = NormalizeContext(workingDirectory: document.workingDirectory, environment: document.environment)
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
        let enabledNames = Self.enabled(all, document)
        services = all.filter { enabledNames.contains($0.name) }
        disabledServices = all.filter { !enabledNames.contains($0.name) }
        for index in services.indices where services[index].networks.isEmpty && services[index].networkMode == nil {
            services[index].attachDefaultNetwork()
        }

        networks = Self.resources(normalised["networks"], project: name, source: root["networks"])
        if services.contains(where: { $0.networks.keys.contains("default") }) && networks["default"] == nil {
            networks["default"] = Resource(key: "default", name: "\(name)_default", external: false,
                                           node: .map([("name", .text("\(name)_default", at: root.mark))], at: root.mark))
        }
        volumes = Self.resources(normalised["volumes"], project: name, source: root["volumes"])
        secrets = Self.resources(normalised["secrets"], project: name, source: root["secrets"])
        configs = Self.resources(normalised["configs"], project: name, source: root["configs"])
        extensions = Dictionary(root.keyedPairs.filter { $0.key.hasPrefix("x-") }.map { ($0.key, Normalizer.typed($0.value)) }, uniquingKeysWith: { a, _ in a })
        node = .literal("null", at: root.mark)

        try ProjectValidator(project: self).validate()
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

    /// Services without profiles, with an active profile (`*` = all), or asked for by name.
    static func enabled(_ services: [Service], _ document: ComposeDocument) -> Set<String> {
        let active = Set(document.activeProfiles)
        return Set(services.filter { service in
            service.profiles.isEmpty || active.contains("*") || !active.isDisjoint(with: service.profiles)
                || document.requestedServices.contains(service.name)
        }.map(\.name))
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
