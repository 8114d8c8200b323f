import YAML

/// Converts the short and list spellings compose accepts into the one form a merge needs.
enum ListForms {
    /// `- KEY=value` / `- KEY` (or a mapping already) as a mapping; a bare key maps to null.
    static func keyValueMapping(_ node: Node) -> Node {
        guard let items = node.sequence else {
            return node.pairs != nil ? node : Node(.mapping([]), mark: node.mark)
        }
        var pairs: [Node.Pair] = []
        for item in items {
            guard let text = item.scalar else { continue }
            let key: String, value: Node
            if let equals = text.firstIndex(of: "=") {
                key = String(text[..<equals])
                value = Node(.scalar(String(text[text.index(after: equals)...]), .doubleQuoted), mark: item.mark)
            } else {
                key = text
                value = .null(mark: item.mark)
            }
            let keyNode = Node(.scalar(key, .plain), mark: item.mark)
            if let index = pairs.firstIndex(where: { $0.key.scalar == key }) {
                pairs[index].value = value
            } else {
                pairs.append(Node.Pair(key: keyNode, value: value))
            }
        }
        return Node(.mapping(pairs), mark: node.mark)
    }

    /// `KEY=value` items as compose-go merges them: a list as written, a mapping as `KEY=value` (`KEY` for
    /// null) sorted. nil when a mapping value is not a scalar.
    static func keyValueSequence(_ node: Node) -> [Node]? {
        guard let pairs = node.pairs else { return sequence(node) }
        var items: [Node] = []
        for pair in pairs {
            guard let value = pair.value.scalar, let key = pair.key.scalar else { return nil }
            let text = pair.value.isNull ? key : "\(key)=\(value)"
            items.append(Node(.scalar(text, .doubleQuoted), mark: pair.value.isNull ? pair.key.mark : pair.value.mark))
        }
        return items.sorted { ($0.scalar ?? "") < ($1.scalar ?? "") }
    }

    /// A string as a one-item list; null as an empty list.
    static func sequence(_ node: Node) -> [Node] {
        if let items = node.sequence { return items }
        if node.isNull || node.pairs != nil { return [] }
        return [node]
    }

    /// `extra_hosts` entries as `host=address` items, whichever form they were written in.
    static func hostEntries(_ node: Node) -> [Node] {
        guard let pairs = node.pairs else { return sequence(node) }
        var items: [Node] = []
        for pair in pairs {
            let host = pair.key.scalar ?? ""
            for address in sequence(pair.value) {
                items.append(Node(.scalar("\(host)=\(address.scalar ?? "")", .doubleQuoted), mark: address.mark))
            }
        }
        return items.sorted { ($0.scalar ?? "") < ($1.scalar ?? "") }
    }

    /// `[a, b]` as `{a: defaults, b: defaults}` (null when there are no defaults).
    static func namesMapping(_ node: Node, defaults: [(String, String)]) -> Node {
        guard let items = node.sequence else {
            return node.pairs != nil ? node : Node(.mapping([]), mark: node.mark)
        }
        let pairs = items.map { item in
            let value = defaults.isEmpty
                ? Node.null(mark: item.mark)
                : Node(.mapping(defaults.map { Node.Pair(key: .string($0.0, mark: item.mark, style: .plain),
                                                          value: .string($0.1, mark: item.mark, style: .plain)) }),
                       mark: item.mark)
            return Node.Pair(key: item, value: value)
        }
        return Node(.mapping(pairs), mark: node.mark)
    }

    /// `build: ./dir` as `build: {context: ./dir}`.
    static func buildMapping(_ node: Node) -> Node {
        guard node.scalar != nil, !node.isNull else { return node.pairs != nil ? node : Node(.mapping([]), mark: node.mark) }
        return Node(.mapping([Node.Pair(key: .string("context", mark: node.mark, style: .plain), value: node)]), mark: node.mark)
    }
}
