import COpenSSL
import YAML

/// `config` output as docker compose v2 prints it, and the listing helpers of `config`.
public enum ConfigRenderer {
    public enum Format: Sendable { case yaml, json }

    /// Interpolated values are literal: their `$` is written `$$` so the output reads back as the same
    /// compose file (docker compose escapes the rendered text, YAML and JSON alike).
    public static func render(_ project: Project, format: Format = .yaml) -> String {
        let text = switch format {
        case .yaml: YAMLEmitter.emit(project.node)
        case .json: JSONWriter.write(jsonTree(project), indented: true)
        }
        guard project.interpolated, text.contains("$") else { return text }
        return text.split(separator: "$", omittingEmptySubsequences: false).joined(separator: "$$")
    }

    /// `config --no-interpolate`: the model as written (see `UninterpolatedModel`); `$` stays as is and,
    /// like Go's `json.MarshalIndent`, the JSON ends without a newline.
    public static func renderUninterpolated(_ document: ComposeDocument, format: Format = .yaml) throws(ComposeError) -> String {
        let model = try UninterpolatedModel.tree(document)
        return switch format {
        case .yaml: YAMLEmitter.emit(model)
        case .json: JSONWriter.write(UninterpolatedModel.forJSON(model), indented: true)
        }
    }

    /// `--services`: enabled services, sorted.
    public static func serviceNames(_ project: Project) -> [String] { project.services.map(\.name) }
    /// `--volumes`: top-level volume keys, sorted.
    public static func volumeNames(_ project: Project) -> [String] { project.volumes.keys.sorted() }
    /// `--networks`: top-level network keys (with the implicit `default`), sorted.
    public static func networkNames(_ project: Project) -> [String] { project.networks.keys.sorted() }
    /// `--profiles`: every profile any service names, sorted.
    public static func profileNames(_ project: Project) -> [String] { project.allProfiles }
    /// `--images`: the image, or `<project>-<service>` for services built without one.
    public static func images(_ project: Project) -> [String] {
        project.services.map { $0.image ?? "\(project.name)-\($0.name)" }
    }
    /// `--hash 'svc,...'` or `'*'`: `service hash` lines.
    public static func hashes(_ project: Project, services: [String] = ["*"]) -> [String] {
        project.services.filter { services.contains("*") || services.contains($0.name) }
            .map { "\($0.name) \(project.configHash(of: $0))" }
    }

    // MARK: - JSON

    /// The JSON shape differs from the YAML one where Go's encoders differ: top-level keys sorted,
    /// `command`/`entrypoint` always present, `x-*` only at top level, empty struct fields printed.
    static func jsonTree(_ project: Project) -> Node {
        var top = project.node.keyedPairs.map { ($0.key, $0.value) }
        for index in top.indices {
            switch top[index].0 {
            case "services":
                top[index].1 = remap(top[index].1) { jsonService($0) }
            case "networks":
                top[index].1 = remap(top[index].1) { network in
                    network["ipam"] != nil ? network : inserting("ipam", .map([], at: network.mark), into: network, after: ["name", "driver", "driver_opts"])
                }
            default: break
            }
        }
        return .map(top.sorted { $0.0 < $1.0 }, at: project.node.mark)
    }

    static func jsonService(_ service: Node) -> Node {
        var node = withoutExtensions(service)
        let order = ComposeSchema.service.keys
        for key in ["command", "entrypoint"] where node[key] == nil {
            node = inserting(key, .literal("null", at: node.mark), into: node, after: Array(order[..<order.firstIndex(of: key)!]))
        }
        if let deploy = node["deploy"] {
            var filled = deploy
            if deploy["resources"] == nil {
                filled = inserting("resources", .map([], at: deploy.mark), into: filled, after: ["mode", "replicas", "labels", "update_config", "rollback_config"])
            }
            if deploy["placement"] == nil {
                filled = inserting("placement", .map([], at: deploy.mark), into: filled, after: ["mode", "replicas", "labels", "update_config", "rollback_config", "resources", "restart_policy"])
            }
            node = replacing("deploy", filled, in: node)
        }
        if let develop = node["develop"], let watch = develop["watch"]?.sequence {
            let triggers = Node.list(watch.map { trigger in
                trigger["exec"] != nil ? trigger : inserting("exec", .map([("command", .literal("null", at: trigger.mark))], at: trigger.mark),
                                                            into: trigger, after: ["path", "action", "target"])
            }, at: develop.mark)
            node = replacing("develop", replacing("watch", triggers, in: develop), in: node)
        }
        return node
    }

    static func withoutExtensions(_ node: Node) -> Node {
        switch node.kind {
        case .mapping(let pairs):
            return Node(.mapping(pairs.filter { !($0.key.scalar ?? "").hasPrefix("x-") }.map {
                Node.Pair(key: $0.key, value: withoutExtensions($0.value))
            }), mark: node.mark)
        case .sequence(let items):
            return Node(.sequence(items.map(withoutExtensions)), mark: node.mark)
        case .scalar:
            return node
        }
    }

    static func remap(_ node: Node, _ transform: (Node) -> Node) -> Node {
        Node(.mapping((node.pairs ?? []).map { Node.Pair(key: $0.key, value: transform($0.value)) }), mark: node.mark)
    }

    static func inserting(_ key: String, _ value: Node, into node: Node, after earlier: [String]) -> Node {
        guard case .mapping(var pairs) = node.kind else { return node }
        let at = pairs.firstIndex { !earlier.contains($0.key.scalar ?? "") } ?? pairs.endIndex
        pairs.insert(Node.Pair(key: .text(key, at: value.mark), value: value), at: at)
        return Node(.mapping(pairs), mark: node.mark)
    }

    static func replacing(_ key: String, _ value: Node, in node: Node) -> Node {
        guard case .mapping(var pairs) = node.kind, let index = pairs.firstIndex(where: { $0.key.scalar == key }) else { return node }
        pairs[index].value = value
        return Node(.mapping(pairs), mark: node.mark)
    }
}

extension Project {
    /// docker compose's config hash: sha256 of the service's compact JSON without `build`, `pull_policy`,
    /// `scale`, `deploy.replicas`, `depends_on` and `profiles`. `env_file` entries still listed (a load
    /// without environment resolution, as `config --hash` does) are part of it.
    public func configHash(of service: Service) -> String {
        var node = ConfigRenderer.jsonService(service.node)
        if !service.envFiles.isEmpty {
            let order = ComposeSchema.service.keys
            node = ConfigRenderer.inserting("env_file", .list(service.envFiles.map { $0.hashNode(at: node.mark) }, at: node.mark),
                                            into: node, after: Array(order[..<order.firstIndex(of: "env_file")!]))
        }
        if case .mapping(let pairs) = node.kind {
            node.kind = .mapping(pairs.filter { !["build", "pull_policy", "scale", "depends_on", "profiles"].contains($0.key.scalar ?? "") })
        }
        if let deploy = node["deploy"], case .mapping(let pairs) = deploy.kind {
            node = ConfigRenderer.replacing("deploy", Node(.mapping(pairs.filter { $0.key.scalar != "replicas" }), mark: deploy.mark), in: node)
        }
        return SHA256Digest.hex(Array(JSONWriter.write(node, indented: false).utf8))
    }
}

extension Service.EnvFile {
    /// Go's `EnvFile.MarshalJSON`: a required file is its path alone.
    func hashNode(at mark: Mark) -> Node {
        if required { return .text(path, at: mark) }
        var pairs: [(String, Node)] = [("path", .text(path, at: mark)), ("required", .boolean(false, at: mark))]
        if let format, !format.isEmpty { pairs.append(("format", .text(format, at: mark))) }
        return .map(pairs, at: mark)
    }
}

enum SHA256Digest {
    static func hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = bytes.withUnsafeBufferPointer { SHA256($0.baseAddress, $0.count, &digest) }
        let digits: [Character] = Array("0123456789abcdef")
        return String(digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
