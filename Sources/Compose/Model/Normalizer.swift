import YAML

/// Checks a node against a `FieldType` and returns its long, normalised form.
enum Normalizer {
    static func value(_ node: Node, _ type: FieldType, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        if !context.interpolated, type.parsesScalars, node.scalar != nil, !node.isNull { return typed(node) }
        switch type {
        case .any:
            return typed(node)
        case .string:
            return .text(try scalarText(node, type, path), at: node.mark)
        case .stringOrNumber:
            return .text(try scalarText(node, type, path), at: node.mark)
        case .path:
            return .text(context.absolutePath(try scalarText(node, type, path)), at: node.mark)
        case .int:
            guard let text = node.scalar, let number = Node(.scalar(text, .plain)).int else { throw mismatch(node, type, path) }
            return .integer(number, at: node.mark)
        case .float:
            guard let text = node.scalar, let number = Node(.scalar(text, .plain)).double else { throw mismatch(node, type, path) }
            return .literal(formatFloat(number), at: node.mark)
        case .bool:
            guard let text = node.scalar, let flag = Node(.scalar(text, .plain)).bool else { throw mismatch(node, type, path) }
            return .boolean(flag, at: node.mark)
        case .duration:
            guard let text = node.scalar, !node.isNull, let duration = ComposeDuration(parsing: text) else {
                throw ComposeError(node, path, "invalid duration \(show(node)): must be \(type.expectation)")
            }
            return .text(duration.description, at: node.mark)
        case .bytes:
            guard let text = node.scalar, !node.isNull, let bytes = ByteSize.parse(text) else {
                throw ComposeError(node, path, "invalid size \(show(node)): must be \(type.expectation)")
            }
            return .text(String(bytes), at: node.mark)
        case .fileMode:
            guard let text = node.scalar, let mode = parseMode(text, quoted: node.style?.isQuoted ?? false) else {
                throw mismatch(node, type, path)
            }
            return .text("0" + String(mode, radix: 8), at: node.mark)
        case .stringList:
            return try list(node, type, path).enumerated().map { (index, item) throws(ComposeError) -> Node in
                .text(try scalarText(item, .string, "\(path)[\(index)]"), at: item.mark)
            }.asList(at: node.mark)
        case .stringOrList:
            if node.sequence != nil { return try value(node, .stringList, path, context) }
            return .list([.text(try scalarText(node, type, path), at: node.mark)], at: node.mark)
        case .command:
            if node.isNull { return .literal("", at: node.mark) }
            if node.sequence != nil { return try value(node, .stringList, path, context) }
            let text = try scalarText(node, type, path)
            do {
                return .list(try ShellWords.split(text).map { .text($0, at: node.mark) }, at: node.mark)
            } catch {
                throw ComposeError(node, path, "invalid command \(show(node)): unterminated quote")
            }
        case .stringMap, .environment:
            return try stringMap(node, type, path, context)
        case .object(let schema):
            return try object(node, schema, path, context)
        case .mapOf(let inner):
            guard let pairs = node.pairs else { throw mismatch(node, type, path) }
            let converted = try pairs.map { (pair) throws(ComposeError) -> (String, Node) in
                let key = pair.key.scalar ?? ""
                let item = try value(pair.value, inner, "\(path).\(key)", context)
                return (key, item)
            }
            return .map(converted.sorted { $0.0 < $1.0 }, at: node.mark)
        case .listOf(let inner):
            return try list(node, type, path).enumerated().map { (index, item) throws(ComposeError) -> Node in
                try value(item, inner, "\(path)[\(index)]", context)
            }.asList(at: node.mark)
        case .expandingList(_, let convert):
            var items: [Node] = []
            for (index, item) in try list(node, type, path).enumerated() {
                // A short port may still hold `${...}`: only its shape is checked then.
                if !context.interpolated, item.scalar != nil, !item.isNull {
                    items.append(typed(item))
                    continue
                }
                items += try convert(item, "\(path)[\(index)]", context)
            }
            return .list(items, at: node.mark)
        case .custom(_, _, let convert):
            return try convert(node, path, context)
        }
    }

    /// A mapping checked key by key against its schema, printed in the schema's order, extensions last.
    static func object(_ node: Node, _ schema: ObjectSchema, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        var source = node
        if node.pairs == nil, let shortForm = schema.shortForm {
            source = try shortForm(node, path, context)
        }
        guard source.pairs != nil else { throw mismatch(node, .object(schema), path) }
        var values: [String: Node] = [:]
        var extensions: [(String, Node)] = []
        for (key, keyNode, item) in source.keyedPairs {
            if key.hasPrefix("x-") && schema.allowsExtensions {
                extensions.append((key, typed(item)))
                continue
            }
            guard let field = schema.field(key) else {
                throw ComposeError(keyNode, path, "additional property '\(key)' is not allowed")
            }
            values[key] = try value(item, field.type, path.isEmpty ? key : "\(path).\(key)", context)
        }
        var pairs: [(String, Node)] = []
        for field in schema.fields where !field.hidden {
            // An empty plain scalar is Go's nil (e.g. `command: null`): never printed.
            guard let item = values[field.key], item.style != .plain || item.scalar != "" else { continue }
            if item.isEmptyValue && !field.keepZero { continue }
            pairs.append((field.key, item))
        }
        try schema.finish?(&pairs, source, path, context)
        pairs += extensions.sorted { $0.0 < $1.0 }
        return .map(pairs, at: node.mark)
    }

    /// A free-form value (extensions) with every plain scalar that is not null, a boolean or a number marked as a string.
    static func typed(_ node: Node) -> Node {
        switch node.kind {
        case .scalar(let value, .plain):
            if node.isNull { return .literal("null", at: node.mark) }
            return node.bool != nil || node.double != nil ? node : .text(value, at: node.mark)
        case .scalar: return node
        case .sequence(let items): return .list(items.map(typed), at: node.mark)
        case .mapping(let pairs):
            // Go decodes free-form mappings into maps, which print with sorted keys.
            let sorted = pairs.sorted { ($0.key.scalar ?? "") < ($1.key.scalar ?? "") }
            return Node(.mapping(sorted.map { Node.Pair(key: $0.key, value: typed($0.value)) }), mark: node.mark)
        }
    }

    /// `labels`/`environment`-style values: list of `KEY=value` or a mapping, sorted by key.
    static func stringMap(_ node: Node, _ type: FieldType, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        var entries: [String: Node] = [:]
        let resolves = if case .environment = type { true } else { false }
        func missing(_ key: String, _ mark: Mark) -> Node {
            guard resolves else { return .text("", at: mark) }
            if let value = context.environment[key] { return .text(value, at: mark) }
            return .literal("null", at: mark)
        }
        if let items = node.sequence {
            for (index, item) in items.enumerated() {
                let text = try scalarText(item, .string, "\(path)[\(index)]")
                if let equals = text.firstIndex(of: "=") {
                    entries[String(text[..<equals])] = .text(String(text[text.index(after: equals)...]), at: item.mark)
                } else {
                    entries[text] = missing(text, item.mark)
                }
            }
        } else if let pairs = node.pairs {
            for (key, _, item) in pairs.map({ ($0.key.scalar ?? "", $0.key, $0.value) }) {
                if item.isNull {
                    entries[key] = missing(key, item.mark)
                } else {
                    entries[key] = .text(try scalarText(item, .string, "\(path).\(key)"), at: item.mark)
                }
            }
        } else {
            throw mismatch(node, type, path)
        }
        return .map(entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, at: node.mark)
    }

    static func list(_ node: Node, _ type: FieldType, _ path: String) throws(ComposeError) -> [Node] {
        guard let items = node.sequence else { throw mismatch(node, type, path) }
        return items
    }

    /// Any scalar read as text (compose coerces numbers and booleans where a string is expected).
    static func scalarText(_ node: Node, _ type: FieldType, _ path: String) throws(ComposeError) -> String {
        guard let text = node.scalar, !node.isNull else { throw mismatch(node, type, path) }
        return text
    }

    static func mismatch(_ node: Node, _ type: FieldType, _ path: String) -> ComposeError {
        ComposeError(node, path, "must be \(type.expectation), got \(node.kindName)")
    }

    /// A scalar as the user wrote it, for messages.
    static func show(_ node: Node) -> String {
        guard let text = node.scalar else { return node.kindName }
        return "\"\(text)\""
    }

    static func parseMode(_ text: String, quoted: Bool) -> Int? {
        // An unquoted `0400` is already octal in YAML 1.1; a quoted one is read as octal by compose.
        if !quoted, let value = Node(.scalar(text, .plain)).int, !text.hasPrefix("0") || text == "0" { return value }
        let digits = text.hasPrefix("0o") ? String(text.dropFirst(2)) : text
        return Int(digits, radix: 8)
    }

    /// Go's shortest float formatting for the values compose prints (`0.5`, `2`, `1.25`).
    static func formatFloat(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(Float(value).description)
    }
}

extension Array where Element == Node {
    func asList(at mark: Mark) -> Node { .list(self, at: mark) }
}
