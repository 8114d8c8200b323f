import YAML

/// After a merge, two entries with the same identity (same port, same mount target, ...) collapse into the
/// later one, kept at the earlier one's place, as compose-go's `EnforceUnicity` does.
enum SequenceUnicity {
    static func apply(_ node: Node, path: DocumentPath = DocumentPath()) -> Node {
        var node = node
        switch node.kind {
        case .scalar:
            return node
        case .mapping(let pairs):
            node.kind = .mapping(pairs.map { Node.Pair(key: $0.key, value: apply($0.value, path: path.appending($0.key.scalar ?? ""))) })
        case .sequence(let items):
            let items = items.enumerated().map { apply($0.element, path: path.appending($0.offset)) }
            guard let identity = EntryIdentity.identity(for: path) else {
                node.kind = .sequence(items)
                return node
            }
            var result: [Node] = []
            var positions: [String: Int] = [:]
            for item in items {
                let key = identity.key(of: item)
                if let key, let position = positions[key] {
                    result[position] = item
                } else {
                    if let key { positions[key] = result.count }
                    result.append(item)
                }
            }
            node.kind = .sequence(result)
        }
        return node
    }
}

extension EntryIdentity {
    /// The identity of one entry; nil when it cannot be told (left alone for validation to report).
    func key(of item: Node) -> String? {
        switch self {
        case .keyBeforeEquals:
            guard let text = item.scalar else { return nil }
            return text.firstIndex(of: "=").map { String(text[..<$0]) } ?? text
        case .text:
            return item.scalar
        case .port:
            if let text = item.scalar { return text }
            guard let target = item["target"]?.scalar else { return nil }
            let host = item["host_ip"]?.scalar ?? "0.0.0.0"
            let published = item["published"]?.scalar ?? ""
            let proto = item["protocol"]?.scalar ?? "tcp"
            return "\(host):\(published):\(target)/\(proto)"
        case .mountTarget:
            if let target = item["target"]?.scalar { return target }
            guard let text = item.scalar else { return nil }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            return parts.count == 1 ? text : String(parts[1])
        case .device:
            if let target = item["target"]?.scalar { return target }
            guard let text = item.scalar else { return nil }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            return String(parts.count == 1 ? parts[0] : parts[1])
        case .secret(let directory):
            if let text = item.scalar { return "\(directory)/\(text)" }
            if let target = item["target"]?.scalar { return target }
            return item["source"]?.scalar.map { "\(directory)/\($0)" }
        case .envFile:
            return item.scalar ?? item["path"]?.scalar
        }
    }
}
