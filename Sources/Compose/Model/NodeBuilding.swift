import YAML

/// Normalised values are `Node` trees too: a `.plain` scalar is a typed literal (number, boolean, null)
/// and a quoted scalar is a string, so emitters know what to quote. Marks point back at the source.
extension Node {
    static func text(_ value: String, at mark: Mark) -> Node { Node(.scalar(value, .doubleQuoted), mark: mark) }
    static func literal(_ value: String, at mark: Mark) -> Node { Node(.scalar(value, .plain), mark: mark) }
    static func integer(_ value: Int, at mark: Mark) -> Node { literal(String(value), at: mark) }
    static func boolean(_ value: Bool, at mark: Mark) -> Node { literal(value ? "true" : "false", at: mark) }
    static func list(_ items: [Node], at mark: Mark) -> Node { Node(.sequence(items), mark: mark) }
    static func map(_ pairs: [(String, Node)], at mark: Mark) -> Node {
        Node(.mapping(pairs.map { Pair(key: .text($0.0, at: $0.1.mark), value: $0.1) }), mark: mark)
    }

    /// Go's zero values, which `omitempty` leaves out of compose's output.
    var isEmptyValue: Bool {
        switch kind {
        case .scalar(let value, let style):
            return style == .plain ? (value.isEmpty || value == "0" || value == "false") : value.isEmpty
        case .sequence(let items): return items.isEmpty
        case .mapping(let pairs): return pairs.isEmpty
        }
    }

    /// The scalar as a string, whatever its YAML type (for values compose reads as text).
    var textValue: String? { isNull ? nil : scalar }

    /// Pairs with string keys, for the normaliser.
    var keyedPairs: [(key: String, keyNode: Node, value: Node)] {
        (pairs ?? []).map { ($0.key.scalar ?? "", $0.key, $0.value) }
    }
}
