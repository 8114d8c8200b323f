import YAML

/// Merges a later compose file (or an extending service) onto an earlier one, by the spec's rules.
/// Marks follow the winner: a replaced value keeps the later file's position, merged mappings the earlier's.
enum NodeMerger {
    static let resetTag = "!reset"
    static let overrideTag = "!override"

    static func merge(_ base: Node, _ other: Node, at path: DocumentPath) throws(ComposeError) -> Node {
        if other.tag == overrideTag { return ResetTags.strip(other) }
        if let rule = MergeRule.rule(for: path) { return try merge(base, other, at: path, by: rule) }
        if other.isNull { return base }
        switch (base.kind, other.kind) {
        case (.mapping, .mapping):
            return try mergeMappings(base, other, at: path)
        case (.sequence(let first), .sequence(let second)):
            return Node(.sequence(first + second.map(ResetTags.strip)), mark: base.mark)
        case (.mapping, _), (.sequence, _):
            throw ComposeError(other, path.description, "cannot override a \(base.kindName) with a \(other.kindName)")
        default:
            return ResetTags.strip(other)
        }
    }

    static func mergeMappings(_ base: Node, _ other: Node, at path: DocumentPath) throws(ComposeError) -> Node {
        var pairs = base.pairs ?? []
        for pair in other.pairs ?? [] {
            let key = pair.key.scalar ?? ""
            let existing = pairs.firstIndex(where: { $0.key.scalar == key })
            if pair.value.tag == resetTag {
                if let existing { pairs.remove(at: existing) }
                continue
            }
            guard let existing else {
                pairs.append(Node.Pair(key: pair.key, value: ResetTags.strip(pair.value)))
                continue
            }
            pairs[existing].value = try merge(pairs[existing].value, pair.value, at: path.appending(key))
        }
        return Node(.mapping(pairs), mark: base.mark)
    }

    private static func merge(_ base: Node, _ other: Node, at path: DocumentPath, by rule: MergeRule) throws(ComposeError) -> Node {
        switch rule {
        case .replace:
            return ResetTags.strip(other)
        case .keyValueMapping:
            // compose-go appends both sides as `K=v` lists (a mapping sorted by key); `SequenceUnicity` then
            // keeps a key's later value at its earlier place. The list form is what `config --no-interpolate`
            // prints; a value that is not a scalar stays a mapping for the model to report.
            let removed = Set((other.pairs ?? []).filter { $0.value.tag == resetTag }.compactMap(\.key.scalar))
            var kept = other
            if case .mapping(let pairs) = other.kind { kept.kind = .mapping(pairs.filter { $0.value.tag != resetTag }) }
            guard let first = ListForms.keyValueSequence(base), let second = ListForms.keyValueSequence(kept) else {
                return try mergeMappings(ListForms.keyValueMapping(base), ListForms.keyValueMapping(other), at: path)
            }
            let survivors = first.filter { item in EntryIdentity.keyBeforeEquals.key(of: item).map { !removed.contains($0) } ?? true }
            return Node(.sequence(survivors + second.map(ResetTags.strip)), mark: base.mark)
        case .appendSequence:
            let items = ListForms.sequence(base) + ListForms.sequence(other).map(ResetTags.strip)
            return Node(.sequence(items), mark: base.mark)
        case .extraHosts:
            var items = ListForms.hostEntries(base)
            for item in ListForms.hostEntries(other) where !items.contains(where: { $0.scalar == item.scalar }) {
                items.append(item)
            }
            return Node(.sequence(items), mark: base.mark)
        case .namesToMapping(let defaults):
            return try mergeMappings(ListForms.namesMapping(base, defaults: defaults),
                                     ListForms.namesMapping(other, defaults: defaults), at: path)
        case .buildContext:
            return try mergeMappings(ListForms.buildMapping(base), ListForms.buildMapping(other), at: path)
        case .logging:
            let driver = base["driver"]?.scalar, otherDriver = other["driver"]?.scalar
            if driver == nil || otherDriver == nil || driver == otherDriver {
                return try mergeMappings(base, other, at: path)
            }
            return ResetTags.strip(other)
        case .ipamConfig:
            return try mergePools(base, other, at: path)
        }
    }

    /// IPAM pools with the same subnet merge; new subnets are added.
    private static func mergePools(_ base: Node, _ other: Node, at path: DocumentPath) throws(ComposeError) -> Node {
        var pools = base.sequence ?? []
        for pool in other.sequence ?? [] {
            if let index = pools.firstIndex(where: { $0["subnet"]?.scalar == pool["subnet"]?.scalar }) {
                pools[index] = try mergeMappings(pools[index], pool, at: path.appending(index))
            } else {
                pools.append(ResetTags.strip(pool))
            }
        }
        return Node(.sequence(pools), mark: base.mark)
    }
}

/// `!reset` entries removed and `!override` tags dropped, once the merge has used them.
enum ResetTags {
    static func strip(_ node: Node) -> Node {
        var node = node
        if node.tag == NodeMerger.overrideTag || node.tag == NodeMerger.resetTag { node.tag = nil }
        switch node.kind {
        case .scalar:
            break
        case .sequence(let items):
            node.kind = .sequence(items.filter { $0.tag != NodeMerger.resetTag }.map(strip))
        case .mapping(let pairs):
            node.kind = .mapping(pairs.filter { $0.value.tag != NodeMerger.resetTag }
                .map { Node.Pair(key: $0.key, value: strip($0.value)) })
        }
        return node
    }
}
