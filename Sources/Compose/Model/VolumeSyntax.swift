import YAML

/// Service `volumes:` items: `./src:/dst:ro,z`, `name:/dst:nocopy`, `/anon` or the long mapping.
enum VolumeSyntax {
    static let usage = "must be [source:]target[:mode] where mode is a comma list of ro, rw, z, Z, nocopy, a propagation or a consistency"
    static let propagations: Set<String> = ["shared", "rshared", "slave", "rslave", "private", "rprivate"]
    static let consistencies: Set<String> = ["cached", "delegated", "consistent"]

    static func normalize(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        if node.pairs != nil { return try long(node, path, context) }
        guard let text = node.scalar, !node.isNull, !text.isEmpty else {
            throw ComposeError(node, path, "must be a string or mapping, got \(node.kindName)")
        }
        let mark = node.mark
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 3, !parts.contains(where: \.isEmpty) else {
            throw ComposeError(node, path, "invalid volume \"\(text)\": \(usage)")
        }
        if parts.count == 1 {
            return .map([("type", .text("volume", at: mark)), ("target", .text(parts[0], at: mark)), ("volume", .map([], at: mark))], at: mark)
        }
        let source = parts[0], target = parts[1]
        let options = parts.count == 3 ? parts[2].split(separator: ",").map(String.init) : []
        var readOnly = false, selinux = "", propagation = "", consistency = "", nocopy = false
        for option in options {
            switch option {
            case "ro": readOnly = true
            case "rw": readOnly = false
            case "z", "Z": selinux = option
            case "nocopy": nocopy = true
            case _ where propagations.contains(option): propagation = option
            case _ where consistencies.contains(option): consistency = option
            default: throw ComposeError(node, path, "invalid volume \"\(text)\": unknown mode '\(option)'; \(usage)")
            }
        }
        let isBind = source.hasPrefix("/") || source.hasPrefix(".") || source.hasPrefix("~")
        var pairs: [(String, Node)] = [
            ("type", .text(isBind ? "bind" : "volume", at: mark)),
            ("source", .text(isBind ? context.absolutePath(source) : source, at: mark)),
            ("target", .text(target, at: mark)),
        ]
        if readOnly { pairs.append(("read_only", .boolean(true, at: mark))) }
        if !consistency.isEmpty { pairs.append(("consistency", .text(consistency, at: mark))) }
        if isBind {
            var bind: [(String, Node)] = []
            if !selinux.isEmpty { bind.append(("selinux", .text(selinux, at: mark))) }
            if !propagation.isEmpty { bind.append(("propagation", .text(propagation, at: mark))) }
            bind.append(("create_host_path", .boolean(true, at: mark)))
            pairs.append(("bind", .map(bind, at: mark)))
        } else {
            pairs.append(("volume", .map(nocopy ? [("nocopy", .boolean(true, at: mark))] : [], at: mark)))
        }
        return .map(pairs, at: mark)
    }

    private static func long(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        var mount = try Normalizer.object(node, ComposeSchema.volumeMount, path, context)
        guard let type = mount["type"]?.scalar else {
            throw ComposeError(node, path, "volume mapping needs a type: bind, volume, tmpfs, npipe, cluster or image")
        }
        guard ["bind", "volume", "tmpfs", "npipe", "cluster", "image"].contains(type) else {
            throw ComposeError(node["type"] ?? node, "\(path).type", "invalid volume type \"\(type)\": must be bind, volume, tmpfs, npipe, cluster or image")
        }
        guard mount["target"] != nil else { throw ComposeError(node, path, "volume mapping needs a target") }
        if type == "bind", case .mapping(var pairs) = mount.kind, let index = pairs.firstIndex(where: { $0.key.scalar == "source" }) {
            guard let source = pairs[index].value.scalar else { return mount }
            pairs[index].value = .text(context.absolutePath(source), at: pairs[index].value.mark)
            mount.kind = .mapping(pairs)
        } else if type == "bind" {
            throw ComposeError(node, path, "bind mount needs a source")
        }
        return mount
    }
}

extension VolumeSyntax {
    /// compose-go's own short-volume parser, as its model keeps it before interpolation: colons inside
    /// `${...}` do not split, unknown options are ignored, a `C:` drive stays whole. nil when compose
    /// would refuse the text (an empty section, too many colons); the model then keeps it as written.
    static func parseLenient(_ text: String, at mark: Mark) -> Node? {
        if text.isEmpty { return nil }
        if text.count <= 2 { return .map([("target", .text(text, at: mark)), ("type", .text("volume", at: mark))], at: mark) }
        var fields: [String] = []
        var buffer = ""
        var depth = 0
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            if character == "$", index + 1 < characters.count, characters[index + 1] == "{" {
                depth += 1
            } else if character == "}", depth > 0 {
                depth -= 1
            } else if character == ":", depth == 0, !(buffer.count == 1 && buffer.first!.isLetter) {
                guard !buffer.isEmpty, fields.count < 2 else { return nil }
                fields.append(buffer)
                buffer = ""
                continue
            }
            buffer.append(character)
        }
        guard !buffer.isEmpty else { return nil }
        fields.append(buffer)

        let source = fields.count > 1 ? fields[0] : ""
        let target = fields.count > 1 ? fields[1] : fields[0]
        var readOnly = false, noCopy = false
        var bind: [(String, Node)] = []
        for option in fields.count == 3 ? fields[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [] {
            switch option {
            case "ro": readOnly = true
            case "rw": readOnly = false
            case "nocopy": noCopy = true
            case "z", "Z": bind.append(("selinux", .text(option, at: mark)))
            case _ where propagations.contains(option): bind.append(("propagation", .text(option, at: mark)))
            default: break
            }
        }
        let isPath = source.hasPrefix(".") || source.hasPrefix("/") || source.hasPrefix("~") || source.hasPrefix("\\\\")
            || (source.count >= 2 && Array(source)[0].isLetter && Array(source)[1] == ":")
        var pairs: [(String, Node)] = [("type", .text(isPath ? "bind" : "volume", at: mark)), ("target", .text(target, at: mark))]
        if !source.isEmpty { pairs.append(("source", .text(source, at: mark))) }
        if readOnly { pairs.append(("read_only", .boolean(true, at: mark))) }
        if isPath { bind.append(("create_host_path", .boolean(true, at: mark))) }
        if !bind.isEmpty { pairs.append(("bind", .map(bind, at: mark))) }
        if noCopy || !isPath { pairs.append(("volume", .map(noCopy ? [("nocopy", .boolean(true, at: mark))] : [], at: mark))) }
        return .map(pairs, at: mark)
    }
}
