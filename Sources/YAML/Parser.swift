import CYaml

/// A YAML syntax problem, with the position libyaml reported.
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    public var mark: Mark
    public var message: String

    public init(mark: Mark, message: String) {
        self.mark = mark
        self.message = message
    }

    public var description: String { "\(mark): \(message)" }
}

/// Builds `Node` trees from libyaml's event stream: positions kept, anchors, aliases and `<<` merged.
public enum YAMLParser {
    /// Every document in `bytes`; `file` names the source in marks and errors.
    public static func parseDocuments(_ bytes: [UInt8], file: String) throws(YAMLError) -> [Node] {
        var builder = TreeBuilder(file: file)
        return try builder.run(bytes)
    }

    /// The first document, or nil when the stream holds none (an empty file).
    public static func parse(_ bytes: [UInt8], file: String) throws(YAMLError) -> Node? {
        try parseDocuments(bytes, file: file).first
    }

    public static func parse(_ text: String, file: String) throws(YAMLError) -> Node? {
        try parse(Array(text.utf8), file: file)
    }
}

private struct TreeBuilder {
    let file: String
    var anchors: [String: Node] = [:]

    init(file: String) { self.file = file }

    /// A container under construction.
    enum Frame {
        case sequence(Node, anchor: String?)
        case mapping(Node, anchor: String?, pairs: [Node.Pair], pendingKey: Node?, merges: [Node])
    }

    mutating func run(_ bytes: [UInt8]) throws(YAMLError) -> [Node] {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLError(mark: Mark(file: file, line: 0, column: 0), message: "cannot initialise the YAML parser")
        }
        defer { yaml_parser_delete(&parser) }

        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> [Node] in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var documents: [Node] = []
            var stack: [Frame] = []
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw syntaxError(parser)
                }
                defer { yaml_event_delete(&event) }
                let mark = Mark(file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return documents
                case YAML_DOCUMENT_START_EVENT:
                    anchors = [:]
                case YAML_SCALAR_EVENT:
                    let scalar = event.data.scalar
                    let value = string(scalar.value, Int(scalar.length))
                    let node = Node(.scalar(value, style(scalar.style)), mark: mark, tag: tag(scalar.tag))
                    if let anchor = optionalString(scalar.anchor) { anchors[anchor] = node }
                    try add(node, to: &stack, documents: &documents)
                case YAML_ALIAS_EVENT:
                    let name = optionalString(event.data.alias.anchor) ?? ""
                    guard let node = anchors[name] else {
                        throw YAMLError(mark: mark, message: "unknown anchor '\(name)' referenced")
                    }
                    try add(node, to: &stack, documents: &documents, alias: true)
                case YAML_SEQUENCE_START_EVENT:
                    let start = event.data.sequence_start
                    stack.append(.sequence(Node(.sequence([]), mark: mark, tag: tag(start.tag)), anchor: optionalString(start.anchor)))
                case YAML_MAPPING_START_EVENT:
                    let start = event.data.mapping_start
                    stack.append(.mapping(Node(.mapping([]), mark: mark, tag: tag(start.tag)),
                                          anchor: optionalString(start.anchor), pairs: [], pendingKey: nil, merges: []))
                case YAML_SEQUENCE_END_EVENT:
                    guard case .sequence(let node, let anchor)? = stack.popLast() else { continue }
                    if let anchor { anchors[anchor] = node }
                    try add(node, to: &stack, documents: &documents)
                case YAML_MAPPING_END_EVENT:
                    guard case .mapping(var node, let anchor, let pairs, _, let merges)? = stack.popLast() else { continue }
                    node.kind = .mapping(try applyMerges(pairs, merges))
                    if let anchor { anchors[anchor] = node }
                    try add(node, to: &stack, documents: &documents)
                default:
                    continue
                }
            }
        }
    }

    /// Puts a finished node into its parent (or makes it a document).
    func add(_ node: Node, to stack: inout [Frame], documents: inout [Node], alias: Bool = false) throws(YAMLError) {
        guard let top = stack.popLast() else {
            documents.append(node)
            return
        }
        switch top {
        case .sequence(var parent, let anchor):
            if case .sequence(var items) = parent.kind {
                items.append(node)
                parent.kind = .sequence(items)
            }
            stack.append(.sequence(parent, anchor: anchor))
        case .mapping(let parent, let anchor, var pairs, let pendingKey, var merges):
            guard let key = pendingKey else {
                stack.append(.mapping(parent, anchor: anchor, pairs: pairs, pendingKey: node, merges: merges))
                return
            }
            if key.scalar == "<<" && key.style == .plain && key.tag == nil {
                switch node.kind {
                case .mapping: merges.append(node)
                case .sequence(let items) where items.allSatisfy({ $0.pairs != nil }): merges.append(contentsOf: items)
                default: throw YAMLError(mark: node.mark, message: "merge key '<<' needs a mapping or a sequence of mappings")
                }
            } else {
                if let keyText = key.scalar, let first = pairs.first(where: { $0.key.scalar == keyText }) {
                    throw YAMLError(mark: key.mark,
                                    message: "mapping key '\(keyText)' already defined at line \(first.key.mark.line)")
                }
                pairs.append(Node.Pair(key: key, value: node))
            }
            stack.append(.mapping(parent, anchor: anchor, pairs: pairs, pendingKey: nil, merges: merges))
        }
    }

    /// `<<` merges: explicit keys win, then earlier merge sources win over later ones.
    func applyMerges(_ pairs: [Node.Pair], _ merges: [Node]) throws(YAMLError) -> [Node.Pair] {
        guard !merges.isEmpty else { return pairs }
        var result = pairs
        var seen = Set(pairs.compactMap { $0.key.scalar })
        for source in merges {
            for pair in source.pairs ?? [] {
                guard let key = pair.key.scalar, !seen.contains(key) else { continue }
                seen.insert(key)
                result.append(pair)
            }
        }
        return result
    }

    func syntaxError(_ parser: yaml_parser_t) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let mark = parser.problem_mark
        var message = problem
        if let context = parser.context { message = "\(String(cString: context)): \(problem)" }
        return YAMLError(mark: Mark(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1), message: message)
    }

    func string(_ pointer: UnsafeMutablePointer<UInt8>?, _ length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    func optionalString(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    func tag(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        guard let tag = optionalString(pointer) else { return nil }
        return tag == "!" ? nil : tag
    }

    func style(_ style: yaml_scalar_style_t) -> ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }
}
