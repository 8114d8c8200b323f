import YAML

/// Short forms that expand into a long mapping before the mapping is checked.
enum ShortSyntax {
    /// `build: ./dir` → `{context: ./dir}`.
    static func build(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        guard let text = node.scalar, !node.isNull else {
            throw ComposeError(node, path, "must be a string or mapping, got \(node.kindName)")
        }
        return .map([("context", .text(text, at: node.mark))], at: node.mark)
    }

    /// The build context is a local directory unless it is a URL or a git reference.
    static func buildFinish(_ pairs: inout [(String, Node)], _ source: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) {
        let raw = source["context"]?.scalar ?? "."
        let isRemote = raw.contains("://") || raw.hasPrefix("git@") || raw.hasPrefix("github.com/")
        let resolved = Node.text(isRemote ? raw : context.absolutePath(raw), at: source["context"]?.mark ?? source.mark)
        pairs.removeAll { $0.0 == "context" }
        pairs.insert(("context", resolved), at: 0)
        if !pairs.contains(where: { $0.0 == "dockerfile" || $0.0 == "dockerfile_inline" }) {
            pairs.insert(("dockerfile", .text("Dockerfile", at: source.mark)), at: 1)
        }
    }

    /// `secrets: [name]` → `{source: name, target: /run/secrets/name}`.
    static func secretReference(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        let name = try Normalizer.scalarText(node, .string, path)
        return .map([("source", .text(name, at: node.mark))], at: node.mark)
    }

    static func secretTarget(_ pairs: inout [(String, Node)], _ source: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) {
        guard let name = pairs.first(where: { $0.0 == "source" })?.1.scalar else {
            throw ComposeError(source, path, "secret reference needs a source")
        }
        if !pairs.contains(where: { $0.0 == "target" }) {
            pairs.insert(("target", .text("/run/secrets/\(name)", at: source.mark)), at: 1)
        }
    }

    /// Config and build secret references get no default target.
    static func requiringSource(_ kind: String) -> @Sendable (inout [(String, Node)], Node, String, NormalizeContext) throws(ComposeError) -> Void {
        { pairs, source, path, _ throws(ComposeError) in
            guard pairs.contains(where: { $0.0 == "source" }) else { throw ComposeError(source, path, "\(kind) reference needs a source") }
        }
    }

    /// `depends_on: [db]` → `{db: {condition: service_started, required: true}}`.
    static func dependsOn(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        if let items = node.sequence {
            var names: [(String, Node)] = []
            for (index, item) in items.enumerated() {
                let name = try Normalizer.scalarText(item, .string, "\(path)[\(index)]")
                names.append((name, .map([("condition", .text("service_started", at: item.mark)),
                                          ("required", .boolean(true, at: item.mark))], at: item.mark)))
            }
            return .map(names.sorted { $0.0 < $1.0 }, at: node.mark)
        }
        return try Normalizer.value(node, .mapOf(.object(ComposeSchema.dependency)), path, context)
    }

    static func dependencyDefaults(_ pairs: inout [(String, Node)], _ source: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) {
        let conditions = ["service_started", "service_healthy", "service_completed_successfully"]
        if let condition = pairs.first(where: { $0.0 == "condition" })?.1, let text = condition.scalar, !conditions.contains(text) {
            throw ComposeError(condition, "\(path).condition",
                               "invalid condition \"\(text)\": must be service_started, service_healthy or service_completed_successfully")
        }
        if !pairs.contains(where: { $0.0 == "condition" }) {
            pairs.insert(("condition", .text("service_started", at: source.mark)), at: 0)
        }
        pairs.removeAll { $0.0 == "required" }
        let required = source["required"].flatMap { Node(.scalar($0.scalar ?? "", .plain)).bool } ?? true
        pairs.append(("required", .boolean(required, at: source.mark)))
    }

    /// Service `networks: [front]` → `{front: null}`; mapping values may be null.
    static func serviceNetworks(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        if let items = node.sequence {
            var names: [(String, Node)] = []
            for (index, item) in items.enumerated() {
                names.append((try Normalizer.scalarText(item, .string, "\(path)[\(index)]"), .literal("null", at: item.mark)))
            }
            return .map(names.sorted { $0.0 < $1.0 }, at: node.mark)
        }
        guard let pairs = node.pairs else {
            throw ComposeError(node, path, "must be a sequence of network names or a mapping, got \(node.kindName)")
        }
        var result: [(String, Node)] = []
        for pair in pairs {
            let name = pair.key.scalar ?? ""
            let value = pair.value.isNull ? Node.literal("null", at: pair.value.mark)
                : try Normalizer.object(pair.value, ComposeSchema.serviceNetwork, "\(path).\(name)", context)
            result.append((name, value))
        }
        return .map(result.sorted { $0.0 < $1.0 }, at: node.mark)
    }

    /// `nofile: 1024` stays an integer, even before interpolation (compose-go refuses other scalars there);
    /// `{soft, hard}` keeps both.
    static func ulimit(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        if node.pairs == nil {
            var checked = context
            checked.interpolated = true
            return try Normalizer.value(node, .int, path, checked)
        }
        let limit = try Normalizer.object(node, ComposeSchema.ulimit, path, context)
        guard limit["soft"] != nil, limit["hard"] != nil else {
            throw ComposeError(node, path, "ulimit needs both soft and hard")
        }
        return limit
    }

    /// `extra_hosts`: `host:ip`/`host=ip` list or `{host: ip}` mapping → `host=ip` list.
    static func extraHosts(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        if let pairs = node.pairs {
            var entries: [Node] = []
            for pair in pairs.sorted(by: { ($0.key.scalar ?? "") < ($1.key.scalar ?? "") }) {
                let host = pair.key.scalar ?? ""
                if let addresses = pair.value.sequence {
                    for address in addresses { entries.append(.text("\(host)=\(try Normalizer.scalarText(address, .string, "\(path).\(host)"))", at: address.mark)) }
                } else {
                    entries.append(.text("\(host)=\(try Normalizer.scalarText(pair.value, .string, "\(path).\(host)"))", at: pair.value.mark))
                }
            }
            return .list(entries, at: node.mark)
        }
        guard let items = node.sequence else { throw ComposeError(node, path, "must be a sequence or mapping, got \(node.kindName)") }
        return try items.enumerated().map { (index, item) throws(ComposeError) -> Node in
            let text = try Normalizer.scalarText(item, .string, "\(path)[\(index)]")
            let separator = text.firstIndex(of: "=") ?? text.firstIndex(of: ":")
            guard let separator, separator != text.startIndex, text.index(after: separator) != text.endIndex else {
                throw ComposeError(item, "\(path)[\(index)]", "invalid extra host \"\(text)\": must be host:ip or host=ip")
            }
            var address = text[text.index(after: separator)...]
            if address.hasPrefix("["), address.hasSuffix("]") { address = address.dropFirst().dropLast() }
            return .text("\(text[..<separator])=\(address)", at: item.mark)
        }.asList(at: node.mark)
    }

    /// `healthcheck.test`: a string is shell form (`CMD-SHELL`); a list must start with NONE, CMD or CMD-SHELL.
    static func healthTest(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        if node.sequence == nil {
            let text = try Normalizer.scalarText(node, .stringOrList, path)
            return .list([.text("CMD-SHELL", at: node.mark), .text(text, at: node.mark)], at: node.mark)
        }
        let test = try Normalizer.value(node, .stringList, path, context)
        if let first = test.sequence?.first?.scalar, !["NONE", "CMD", "CMD-SHELL"].contains(first) {
            throw ComposeError(node, path, "healthcheck test must start with NONE, CMD or CMD-SHELL, got \"\(first)\"")
        }
        return test
    }

    /// `devices: ["/dev/fuse:/dev/fuse:rwm"]` → `{source, target, permissions}`.
    static func device(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        if node.pairs != nil { return try Normalizer.object(node, ComposeSchema.device, path, context) }
        let text = try Normalizer.scalarText(node, .string, path)
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), !parts.contains(where: \.isEmpty) else {
            throw ComposeError(node, path, "invalid device \"\(text)\": must be source[:target[:permissions]]")
        }
        let target = parts.count > 1 ? parts[1] : parts[0]
        let permissions = parts.count > 2 ? parts[2] : "rwm"
        return .map([("source", .text(parts[0], at: node.mark)), ("target", .text(target, at: node.mark)),
                     ("permissions", .text(permissions, at: node.mark))], at: node.mark)
    }

    /// `env_file`: a path, a list of paths, or `{path, required, format}` items; paths resolved.
    static func envFiles(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        let items = node.sequence ?? [node]
        return try items.enumerated().map { (index, item) throws(ComposeError) -> Node in
            let itemPath = node.sequence == nil ? path : "\(path)[\(index)]"
            if item.pairs != nil { return try Normalizer.object(item, ComposeSchema.envFile, itemPath, context) }
            let file = try Normalizer.scalarText(item, .string, itemPath)
            return .map([("path", .text(context.absolutePath(file), at: item.mark)), ("required", .boolean(true, at: item.mark))], at: item.mark)
        }.asList(at: node.mark)
    }

    /// `external: true`, or the legacy `external: {name: x}`.
    static func external(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        if node.pairs != nil {
            _ = try Normalizer.object(node, ComposeSchema.legacyExternal, path, context)
            return .boolean(true, at: node.mark)
        }
        return try Normalizer.value(node, .bool, path, context)
    }

    /// Top-level resources get `name: <project>_<key>` unless named; external ones keep their key.
    static func resourceName(_ pairs: inout [(String, Node)], _ source: Node, key: String, project: String) {
        guard !pairs.contains(where: { $0.0 == "name" }) else { return }
        var name = "\(project)_\(key)"
        if source["external"].map({ $0.pairs != nil || $0.bool == true }) == true {
            name = source["external"]?["name"]?.scalar ?? key
        }
        pairs.insert(("name", .text(name, at: source.mark)), at: 0)
    }
}
