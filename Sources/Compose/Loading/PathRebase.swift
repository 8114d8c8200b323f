import YAML

/// Rewrites the relative paths of a definition read from another directory (an extended or included file)
/// so they stay right when read from the project directory: `./data` in `sub/` becomes `./sub/data`.
struct PathRebase {
    /// The other file's directory as seen from the project directory (`sub`, `../common`).
    var directory: String

    init(from projectDirectory: String, to otherDirectory: String) {
        directory = PathText.relative(from: projectDirectory, to: otherDirectory)
    }

    var isIdentity: Bool { directory == "." }

    /// Services, plus `configs`/`secrets` files, of a whole document.
    func document(_ root: Node) -> Node {
        guard !isIdentity else { return root }
        var root = root
        if let services = root["services"] { root = root.settingValue(eachValue(of: services, service), for: "services") }
        for section in ["configs", "secrets"] {
            guard let definitions = root[section] else { continue }
            root = root.settingValue(eachValue(of: definitions) { update($0, "file", path) }, for: section)
        }
        return root
    }

    func service(_ node: Node) -> Node {
        guard !isIdentity, node.pairs != nil else { return node }
        var node = node
        if let build = node["build"] {
            let rebased = build.scalar != nil ? context(build) : update(build, "context", context)
            node = node.settingValue(update(rebased, "additional_contexts") { eachValue(of: $0, context) }, for: "build")
        }
        node = update(node, "env_file") { files in
            guard let items = files.sequence else { return path(files) }
            return Node(.sequence(items.map { $0.scalar != nil ? path($0) : update($0, "path", path) }), mark: files.mark)
        }
        node = update(node, "label_file") { files in each(files, path) }
        node = update(node, "extends") { update($0, "file", path) }
        node = update(node, "volumes") { volumes in each(volumes, volume) }
        node = update(node, "develop") { develop in
            update(develop, "watch") { watch in each(watch) { update($0, "path", path) } }
        }
        return node
    }

    /// A relative filesystem path; absolute and `~` paths are left alone.
    func path(_ node: Node) -> Node {
        guard let text = node.scalar, !text.isEmpty, !text.hasPrefix("/"), !text.hasPrefix("~") else { return node }
        var joined = PathText.join(directory, text)
        if !joined.hasPrefix("/") && !joined.hasPrefix(".") { joined = "./" + joined }
        return Node(.scalar(joined, node.style ?? .plain), mark: node.mark, tag: node.tag)
    }

    /// A build context is a path unless it is a URL or another image/context reference.
    private func context(_ node: Node) -> Node {
        guard let text = node.scalar, !text.contains("://"), !text.hasPrefix("git@") else { return node }
        return path(node)
    }

    /// `./src:/dst[:mode]` short syntax, or `{type: bind, source: ./src}`.
    private func volume(_ node: Node) -> Node {
        if node.pairs != nil {
            guard node["type"]?.scalar == "bind" else { return node }
            return update(node, "source", path)
        }
        guard let text = node.scalar, text.hasPrefix(".") else { return node }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let source = path(Node(.scalar(String(parts[0]), .plain))).scalar ?? String(parts[0])
        let rebased = parts.count == 2 ? "\(source):\(parts[1])" : source
        return Node(.scalar(rebased, node.style ?? .plain), mark: node.mark, tag: node.tag)
    }

    private func each(_ node: Node, _ transform: (Node) -> Node) -> Node {
        guard let items = node.sequence else { return node.scalar != nil ? transform(node) : node }
        return Node(.sequence(items.map(transform)), mark: node.mark, tag: node.tag)
    }

    private func eachValue(of node: Node, _ transform: (Node) -> Node) -> Node {
        guard let pairs = node.pairs else { return node }
        return Node(.mapping(pairs.map { Node.Pair(key: $0.key, value: transform($0.value)) }), mark: node.mark, tag: node.tag)
    }

    private func update(_ node: Node, _ key: String, _ transform: (Node) -> Node) -> Node {
        guard let value = node[key] else { return node }
        return node.settingValue(transform(value), for: key)
    }
}
