/// Where a node starts in its source: 1-based line and column, as editors count.
public struct Mark: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static let unknown = Mark(file: "", line: 0, column: 0)

    public var description: String { line == 0 ? file : "\(file):\(line):\(column)" }
}

/// How a scalar was written; compose cares whether it was quoted ("80:80" is always a string).
public enum ScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded

    public var isQuoted: Bool { self != .plain }
}

/// A YAML node with its position. Anchors and merge keys are already resolved.
public struct Node: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case scalar(String, ScalarStyle)
        case sequence([Node])
        case mapping([Pair])
    }

    public struct Pair: Sendable, Hashable {
        public var key: Node
        public var value: Node
        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }

    public var kind: Kind
    public var mark: Mark
    /// An explicit tag such as `!reset` or `!override`; nil when untagged.
    public var tag: String?

    public init(_ kind: Kind, mark: Mark = .unknown, tag: String? = nil) {
        self.kind = kind
        self.mark = mark
        self.tag = tag
    }

    public static func string(_ value: String, mark: Mark = .unknown, style: ScalarStyle = .doubleQuoted) -> Node {
        Node(.scalar(value, style), mark: mark)
    }

    public static func null(mark: Mark = .unknown) -> Node { Node(.scalar("", .plain), mark: mark) }

    public static func mapping(_ pairs: [(String, Node)], mark: Mark = .unknown) -> Node {
        Node(.mapping(pairs.map { Pair(key: .string($0.0), value: $0.1) }), mark: mark)
    }

    // MARK: - Reading

    public var scalar: String? {
        if case .scalar(let value, _) = kind { return value }
        return nil
    }

    public var style: ScalarStyle? {
        if case .scalar(_, let style) = kind { return style }
        return nil
    }

    public var sequence: [Node]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    public var pairs: [Pair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    /// YAML 1.2 core schema null: an empty plain scalar, `~` or `null`.
    public var isNull: Bool {
        guard case .scalar(let value, .plain) = kind, tag == nil || tag == "!!null" else { return false }
        return value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL"
    }

    /// YAML 1.2 core schema booleans for plain scalars.
    public var bool: Bool? {
        guard case .scalar(let value, .plain) = kind else { return nil }
        switch value {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// A plain integer scalar (decimal, 0x hex, 0o octal).
    public var int: Int? {
        guard case .scalar(let value, .plain) = kind else { return nil }
        return Node.parseInt(value)
    }

    /// A plain number scalar (integer or decimal).
    public var double: Double? {
        guard case .scalar(let value, .plain) = kind else { return nil }
        if let int = Node.parseInt(value) { return Double(int) }
        guard value.contains(where: { $0.isNumber }) else { return nil }
        return Double(value)
    }

    static func parseInt(_ text: String) -> Int? {
        var body = Substring(text)
        var sign = 1
        if body.hasPrefix("-") { sign = -1; body = body.dropFirst() } else if body.hasPrefix("+") { body = body.dropFirst() }
        if body.hasPrefix("0x") { return Int(body.dropFirst(2), radix: 16).map { $0 * sign } }
        if body.hasPrefix("0o") { return Int(body.dropFirst(2), radix: 8).map { $0 * sign } }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(body).map { $0 * sign }
    }

    /// The value of a mapping key, when this is a mapping that has it.
    public subscript(key: String) -> Node? {
        pairs?.first(where: { $0.key.scalar == key })?.value
    }

    /// What a scalar looks like to a user, for messages: `"80:80"`, `true`, a kind name otherwise.
    public var kindName: String {
        switch kind {
        case .scalar:
            if isNull { return "null" }
            if bool != nil { return "boolean" }
            if int != nil || double != nil { return "number" }
            return "string"
        case .sequence: return "sequence"
        case .mapping: return "mapping"
        }
    }
}
