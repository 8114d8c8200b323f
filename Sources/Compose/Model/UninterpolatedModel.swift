import YAML

/// What `config --no-interpolate` prints. docker compose cannot build a project from values that still
/// hold `${...}`, so it prints compose-go's loaded model instead: the merged files with only the
/// canonical rewrites that do not need a value's meaning (short syntaxes to mappings, defaults, paths,
/// implicit dependencies and networks, resource names), every mapping sorted by key like a Go map.
/// Variables are not looked up at all: a bare `environment` name stays bare.
/// A short port list stays as written unless every entry parses; a short volume that does not parse
/// stays a string. Only the shape is checked: no cross-references, profiles or service selection.
public enum UninterpolatedModel {
    public static func tree(_ document: ComposeDocument) throws(ComposeError) -> Node {
        let root = document.root
        guard root.pairs != nil else { throw ComposeError(root, "", "top-level must be a mapping, got \(root.kindName)") }
        let context = NormalizeContext(workingDirectory: document.workingDirectory, environment: document.environment,
                                       interpolated: false)
        guard let services = root["services"], !services.isNull else {
            throw ComposeError(root, "", "no service is defined: a compose file needs a services mapping")
        }
        _ = try Normalizer.object(root, ComposeSchema.project, "", context)

        var top = Table(root)
        top.remove("version")
        var usesDefaultNetwork = false
        top["services"] = .map(services.keyedPairs.map { ($0.key, service($0.value, context, &usesDefaultNetwork)) }, at: services.mark)
        if usesDefaultNetwork {
            var networks = Table(top["networks"] ?? .map([], at: root.mark))
            if networks["default"] == nil { networks["default"] = .literal("null", at: root.mark) }
            top["networks"] = networks.node
        }
        for section in ["networks", "volumes", "secrets", "configs"] {
            guard let resources = top[section] else { continue }
            top[section] = .map(resources.keyedPairs.map { (key, _, value) in
                (key, resource(value, key: key, section: section, project: document.projectName, context))
            }, at: resources.mark)
        }
        return goNumbers(Normalizer.typed(top.node))
    }

    /// The model for JSON: compose-go rebuilds `environment` and `build.args` lists into Go nil slices,
    /// which YAML prints as `[]` and JSON as `null` when nothing is left in them.
    static func forJSON(_ model: Node) -> Node {
        guard let services = model["services"], services.pairs != nil else { return model }
        func nilIfEmpty(_ node: Node) -> Node { node.sequence?.isEmpty == true ? .literal("null", at: node.mark) : node }
        var top = Table(model)
        top["services"] = .map(services.keyedPairs.map { (name, _, value) in
            var service = Table(value)
            service.update("environment", nilIfEmpty)
            service.update("build") { build in
                var table = Table(build)
                table.update("args", nilIfEmpty)
                return table.node
            }
            return (name, service.node)
        }, at: services.mark)
        return top.node
    }

    /// Plain numbers as Go decodes and prints them: `0440` is octal (288), `0x1F` is 31, `1.50` is 1.5.
    private static func goNumbers(_ node: Node) -> Node {
        switch node.kind {
        case .scalar(let text, .plain):
            guard node.bool == nil, let number = node.double else { return node }
            let octal = text.hasPrefix("0") && text.count > 1 && text.allSatisfy(\.isNumber) ? Int(text, radix: 8) : nil
            if let value = octal ?? node.int { return .integer(value, at: node.mark) }
            return .literal(number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : number.description, at: node.mark)
        case .scalar:
            return node
        case .sequence(let items):
            return .list(items.map(goNumbers), at: node.mark)
        case .mapping(let pairs):
            return Node(.mapping(pairs.map { Node.Pair(key: $0.key, value: goNumbers($0.value)) }), mark: node.mark)
        }
    }

    // MARK: - Services

    private static func service(_ node: Node, _ context: NormalizeContext, _ usesDefaultNetwork: inout Bool) -> Node {
        guard node.pairs != nil else { return node }
        var service = Table(node)
        service.update("build") { build($0, context) }
        service.update("depends_on") { dependsOn($0) }
        service.update("env_file") { files in
            each(listed(files)) { entry in
                var file = Table(entry.scalar != nil ? .map([("path", entry)], at: entry.mark) : entry)
                file.setDefault("required", .boolean(true, at: entry.mark))
                file.update("path") { path in absolute(path, context) }
                return file.node
            }
        }
        service.update("label_file") { files in each(listed(files)) { absolute($0, context) } }
        service.update("gpus") { gpus in
            gpus.scalar != nil ? .list([.map([("count", .text("all", at: gpus.mark))], at: gpus.mark)], at: gpus.mark) : each(gpus, deviceRequest)
        }
        if let reservations = service["deploy"]?["resources"]?["reservations"], let devices = reservations["devices"] {
            var deploy = Table(service["deploy"]!), resources = Table(deploy["resources"]!), table = Table(reservations)
            table["devices"] = each(devices, deviceRequest)
            resources["reservations"] = table.node
            deploy["resources"] = resources.node
            service["deploy"] = deploy.node
        }
        service.update("networks") { namesToMap($0) }
        service.update("models") { namesToMap($0) }
        service.update("volumes") { volumes in each(volumes) { volume($0, context) } }
        service.update("dns") { dns in Node.list(listed(dns).sequence?.filter { !$0.isNull && $0.scalar != "" } ?? [], at: dns.mark) }
        service.update("devices") { devices in each(devices, device) }
        service.update("secrets") { secrets in
            each(secrets) { secret in
                var mount = Table(fileMount(secret))
                let source = mount["source"]?.scalar ?? ""
                mount.setDefault("target", .text("/run/secrets/\(source)", at: secret.mark))
                return mount.node
            }
        }
        service.update("configs") { configs in each(configs, fileMount) }
        service.update("ports", ports)
        service.update("develop") { develop in
            var table = Table(develop)
            table.update("watch") { watch in
                each(watch) { trigger in
                    var entry = Table(trigger)
                    entry.update("include") { listed($0) }
                    entry.update("ignore") { listed($0) }
                    entry.update("path") { path in absolute(path, context) }
                    return entry.node
                }
            }
            return table.node
        }
        if service["pull_policy"]?.scalar == "if_not_present" { service["pull_policy"] = .text("missing", at: node.mark) }
        addImplicitDependencies(&service)
        if service["provider"] == nil, service["network_mode"] == nil {
            if (service["networks"]?.pairs ?? []).isEmpty {
                service["networks"] = .map([("default", .literal("null", at: node.mark))], at: node.mark)
            }
            if service["networks"]?["default"] != nil { usesDefaultNetwork = true }
        }
        if let image = service["image"]?.scalar, !image.isEmpty {
            service.update("pre_start") { hooks in
                each(hooks) { hook in
                    var table = Table(hook)
                    table.setDefault("image", .text(image, at: hook.mark))
                    return table.node
                }
            }
        }
        return service.node
    }

    private static func build(_ node: Node, _ context: NormalizeContext) -> Node {
        var build = Table(node.scalar != nil ? .map([("context", node)], at: node.mark) : node)
        guard build.isMapping else { return node }
        build.setDefault("context", .text(".", at: node.mark))
        if build["dockerfile"] == nil && build["dockerfile_inline"] == nil { build["dockerfile"] = .text("Dockerfile", at: node.mark) }
        build.update("context") { contextPath($0, context) }
        build.update("additional_contexts") { contexts in
            let mapping = keyValueMap(contexts)
            return .map(mapping.keyedPairs.map { ($0.key, contextPath($0.value, context)) }, at: mapping.mark)
        }
        build.update("ssh") { ssh in
            let mapping = ssh.sequence.map { items in
                Node.map(items.map { item in
                    let text = item.scalar ?? ""
                    guard let equals = text.firstIndex(of: "=") else { return (text, .literal("null", at: item.mark)) }
                    return (String(text[..<equals]), .text(String(text[text.index(after: equals)...]), at: item.mark))
                }, at: ssh.mark)
            } ?? ssh
            return .map(mapping.keyedPairs.map { (key, _, value) in
                (key, absolute(value, context, keepsWindows: true))
            }, at: ssh.mark)
        }
        build.update("secrets") { secrets in each(secrets, fileMount) }
        for key in ["provenance", "sbom"] { build.update(key) { value in value.scalar.map { .text($0, at: value.mark) } ?? value } }
        build.update("args", withoutBareNames)
        return build.node
    }

    /// `depends_on: [db]` → `{db: {condition: service_started, required: true}}`; mapping entries get the same defaults.
    private static func dependsOn(_ node: Node) -> Node {
        if let items = node.sequence {
            return .map(items.map { ($0.scalar ?? "", started(at: $0.mark, restart: nil)) }, at: node.mark)
        }
        return .map(node.keyedPairs.map { (key, _, value) in
            var entry = Table(value)
            entry.setDefault("condition", .text("service_started", at: value.mark))
            entry.setDefault("required", .boolean(true, at: value.mark))
            return (key, entry.node)
        }, at: node.mark)
    }

    private static func started(at mark: Mark, restart: Bool?) -> Node {
        var pairs: [(String, Node)] = [("condition", .text("service_started", at: mark)), ("required", .boolean(true, at: mark))]
        if let restart { pairs.append(("restart", .boolean(restart, at: mark))) }
        return .map(pairs, at: mark)
    }

    /// Links, `service:` namespaces and `volumes_from` make dependencies unless `depends_on` names them;
    /// the model spells out `restart: false` too.
    private static func addImplicitDependencies(_ service: inout Table) {
        let implied = ImplicitDependencies.implied { service[$0] }
        guard let first = implied.first else { return }
        var dependencies = Table(service["depends_on"] ?? .map([], at: first.mark))
        for entry in implied where dependencies[entry.name] == nil {
            dependencies[entry.name] = started(at: entry.mark, restart: entry.restart)
        }
        service["depends_on"] = dependencies.node
    }

    private static func deviceRequest(_ node: Node) -> Node {
        var request = Table(node)
        guard request.isMapping else { return node }
        if request["count"] == nil && request["device_ids"] == nil { request["count"] = .text("all", at: node.mark) }
        return request.node
    }

    /// `/dev/fuse:/dev/fuse:rwm` → `{source, target, permissions}`; compose does not refuse more colons here.
    private static func device(_ node: Node) -> Node {
        guard let text = node.scalar, !node.isNull else { return node }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let source = parts.count <= 3 ? parts[0] : ""
        let target = parts.count == 2 || parts.count == 3 ? parts[1] : ""
        let permissions = parts.count == 3 ? parts[2] : "rwm"
        return .map([("permissions", .text(permissions, at: node.mark)), ("source", .text(source, at: node.mark)),
                     ("target", .text(target.isEmpty ? source : target, at: node.mark))], at: node.mark)
    }

    private static func fileMount(_ node: Node) -> Node {
        node.scalar != nil && !node.isNull ? .map([("source", node)], at: node.mark) : node
    }

    /// A short port list becomes long mappings only when every entry parses; mappings get mode and protocol.
    private static func ports(_ node: Node) -> Node {
        guard let items = node.sequence else { return node }
        var expanded: [Node] = []
        for item in items {
            if item.pairs != nil {
                expanded.append(portDefaults(item))
                continue
            }
            guard let text = item.scalar, !item.isNull, let bindings = PortSyntax.parse(text) else {
                return each(node) { $0.pairs != nil ? portDefaults($0) : $0 }
            }
            expanded += bindings.map { $0.node(at: item.mark) }
        }
        return .list(expanded, at: node.mark)
    }

    private static func portDefaults(_ node: Node) -> Node {
        var port = Table(node)
        port.setDefault("protocol", .text("tcp", at: node.mark))
        port.setDefault("mode", .text("ingress", at: node.mark))
        return port.node
    }

    private static func volume(_ node: Node, _ context: NormalizeContext) -> Node {
        var mount: Table
        if let text = node.scalar, !node.isNull {
            guard let parsed = VolumeSyntax.parseLenient(text, at: node.mark) else { return node }
            mount = Table(parsed)
        } else {
            mount = Table(node)
            guard mount.isMapping else { return node }
            mount.update("bind") { bind in
                var table = Table(bind)
                table.setDefault("create_host_path", .boolean(true, at: bind.mark))
                return table.node
            }
        }
        if mount["type"]?.scalar == "bind" {
            mount.update("source") { source in absolute(source, context, keepsWindows: true) }
        }
        mount.update("target") { target in target.scalar.map { .text(PathText.clean($0), at: target.mark) } ?? target }
        return mount.node
    }

    /// compose resolves `build.args` against an empty environment here: bare names and null values go.
    private static func withoutBareNames(_ node: Node) -> Node {
        if let items = node.sequence {
            return .list(items.filter { item in item.scalar.map { !item.isNull && $0.contains("=") } ?? true }, at: node.mark)
        }
        guard let pairs = node.pairs else { return node }
        return Node(.mapping(pairs.filter { !$0.value.isNull }), mark: node.mark)
    }

    private static func contextPath(_ node: Node, _ context: NormalizeContext) -> Node {
        guard let text = node.scalar, !node.isNull else { return node }
        let remote = text.contains("://") || text.hasPrefix("service:")
            || ["https://", "http://", "git://", "ssh://", "github.com/", "git@"].contains(where: text.hasPrefix)
        return remote ? node : absolute(node, context)
    }

    // MARK: - Top-level resources

    /// Legacy `external: {name}` becomes `external: true` with that name; unnamed resources get
    /// `<project>_<key>`, or the key itself when external. Relative files and bind devices are resolved.
    private static func resource(_ node: Node, key: String, section: String, project: String, _ context: NormalizeContext) -> Node {
        var resource = Table(node.isNull ? .map([], at: node.mark) : node)
        guard resource.isMapping else { return node }
        if let external = resource["external"], external.pairs != nil {
            resource["external"] = .boolean(true, at: external.mark)
            if resource["name"] == nil, let name = external["name"] { resource["name"] = name }
        }
        if resource["name"] == nil || resource["name"]!.isNull {
            let external = resource["external"].map { Node(.scalar($0.scalar ?? "", .plain)).bool == true } ?? false
            resource["name"] = .text(external ? key : "\(project)_\(key)", at: node.mark)
        }
        if section == "secrets" || section == "configs" {
            resource.update("file") { file in absolute(file, context, keepsWindows: true) }
        }
        if section == "volumes", resource["driver"]?.scalar == "local", let options = resource["driver_opts"],
           options["o"]?.scalar == "bind", let device = options["device"]?.scalar {
            var table = Table(options)
            table["device"] = absolute(.text(device, at: options.mark), context, keepsWindows: true)
            resource["driver_opts"] = table.node
        }
        return resource.node
    }

    // MARK: - Helpers

    /// A host path resolved against the project directory (`~` from HOME); null and non-scalars stay.
    /// Where compose-go reads the path for the engine's platform (`keepsWindows`), `C:\x` and `\\host`
    /// are absolute too.
    private static func absolute(_ node: Node, _ context: NormalizeContext, keepsWindows: Bool = false) -> Node {
        guard let text = node.scalar, !node.isNull else { return node }
        if keepsWindows, isWindowsAbsolute(text) { return node }
        return .text(context.absolutePath(text), at: node.mark)
    }

    private static func isWindowsAbsolute(_ path: String) -> Bool {
        let characters = Array(path.prefix(3))
        func separator(_ index: Int) -> Bool { index < characters.count && (characters[index] == "\\" || characters[index] == "/") }
        if separator(0) && separator(1) { return true }
        return characters.count == 3 && characters[1] == ":" && separator(2)
    }

    /// A scalar becomes a one-item list.
    private static func listed(_ node: Node) -> Node {
        node.scalar != nil && !node.isNull ? .list([node], at: node.mark) : node
    }

    private static func each(_ node: Node, _ transform: (Node) -> Node) -> Node {
        guard let items = node.sequence else { return node }
        return .list(items.map(transform), at: node.mark)
    }

    /// `[front, back]` → `{front: null, back: null}`.
    private static func namesToMap(_ node: Node) -> Node {
        guard let items = node.sequence else { return node }
        return .map(items.map { ($0.scalar ?? "", .literal("null", at: $0.mark)) }, at: node.mark)
    }

    /// `[KEY=value]` → `{KEY: value}` when every item has a `=`; otherwise left as written.
    private static func keyValueMap(_ node: Node) -> Node {
        guard let items = node.sequence else { return node }
        var pairs: [(String, Node)] = []
        for item in items {
            guard let text = item.scalar, let equals = text.firstIndex(of: "=") else { return node }
            pairs.append((String(text[..<equals]), .text(String(text[text.index(after: equals)...]), at: item.mark)))
        }
        return .map(pairs, at: node.mark)
    }
}

/// A mapping node edited by key, keeping its other pairs and marks (order does not matter: the model
/// prints sorted).
private struct Table {
    var node: Node

    init(_ node: Node) { self.node = node }

    var isMapping: Bool { node.pairs != nil }

    subscript(key: String) -> Node? {
        get { node[key] }
        set {
            guard case .mapping(var pairs) = node.kind else { return }
            if let newValue {
                if let index = pairs.firstIndex(where: { $0.key.scalar == key }) {
                    pairs[index].value = newValue
                } else {
                    pairs.append(Node.Pair(key: .text(key, at: newValue.mark), value: newValue))
                }
            } else {
                pairs.removeAll { $0.key.scalar == key }
            }
            node.kind = .mapping(pairs)
        }
    }

    mutating func remove(_ key: String) { self[key] = nil }

    mutating func setDefault(_ key: String, _ value: Node) {
        if self[key] == nil { self[key] = value }
    }

    mutating func update(_ key: String, _ transform: (Node) -> Node) {
        if let value = self[key] { self[key] = transform(value) }
    }

}
