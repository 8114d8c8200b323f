import YAML

extension Node {
    /// This mapping with `key`'s value replaced, or appended when the key is absent.
    func settingValue(_ value: Node, for key: String) -> Node {
        var node = self
        var pairs = node.pairs ?? []
        if let index = pairs.firstIndex(where: { $0.key.scalar == key }) {
            pairs[index].value = value
        } else {
            pairs.append(Node.Pair(key: .string(key, mark: value.mark, style: .plain), value: value))
        }
        node.kind = .mapping(pairs)
        return node
    }
}
