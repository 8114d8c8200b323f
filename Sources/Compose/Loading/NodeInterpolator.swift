import YAML

/// Applies `Template` to every scalar value of a tree (not to keys: compose leaves them as written).
struct NodeInterpolator {
    var environment: [String: String]
    private(set) var warnings: [LoadWarning] = []

    init(environment: [String: String]) { self.environment = environment }

    mutating func interpolate(_ node: Node, path: DocumentPath = DocumentPath()) throws(ComposeError) -> Node {
        var node = node
        switch node.kind {
        case .scalar(let text, let style):
            guard text.contains("$") else { return node }
            var unset: [String] = []
            let environment = self.environment
            let template = Template(lookup: { environment[$0] }, unset: { unset.append($0) })
            let value: String
            do {
                value = try template.substitute(text)
            } catch {
                throw ComposeError(node, path.description, error.message)
            }
            for name in unset {
                warnings.append(LoadWarning(mark: node.mark, path: path.description,
                                            message: "the \"\(name)\" variable is not set, defaulting to a blank string"))
            }
            node.kind = .scalar(value, Self.style(for: value, written: style))
        case .sequence(let items):
            var result: [Node] = []
            result.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                result.append(try interpolate(item, path: path.appending(index)))
            }
            node.kind = .sequence(result)
        case .mapping(let pairs):
            var result: [Node.Pair] = []
            result.reserveCapacity(pairs.count)
            for pair in pairs {
                let child = path.appending(pair.key.scalar ?? "?")
                result.append(Node.Pair(key: pair.key, value: try interpolate(pair.value, path: child)))
            }
            node.kind = .mapping(result)
        }
        return node
    }

    /// A plain scalar keeps its style so `replicas: ${N}` still reads as a number, but a value that
    /// became empty or `null` by substitution is a string in compose, never a null.
    static func style(for value: String, written: ScalarStyle) -> ScalarStyle {
        guard written == .plain else { return written }
        return Node(.scalar(value, .plain)).isNull ? .doubleQuoted : .plain
    }
}

/// A position inside the document for messages: `services.web.ports[1]`.
struct DocumentPath: CustomStringConvertible, Sendable, Equatable {
    var components: [Component] = []

    enum Component: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    init(_ keys: String...) { components = keys.map(Component.key) }

    func appending(_ key: String) -> DocumentPath {
        var copy = self
        copy.components.append(.key(key))
        return copy
    }

    func appending(_ index: Int) -> DocumentPath {
        var copy = self
        copy.components.append(.index(index))
        return copy
    }

    /// Matches a pattern such as `services.*.environment` (keys only; indexes match `*`).
    func matches(_ pattern: [String]) -> Bool {
        guard pattern.count == components.count else { return false }
        for (part, component) in zip(pattern, components) where part != "*" {
            guard case .key(let key) = component, key == part else { return false }
        }
        return true
    }

    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
