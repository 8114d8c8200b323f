import YAML

/// Folds each service's `env_file`s into its `environment` mapping, as `docker compose config` shows it:
/// later files win over earlier ones, `environment` wins over all, and a bare name takes its value from
/// the interpolation environment (staying null when that does not set it either). Without `readsEnvFiles`
/// only bare names are resolved and `env_file` stays in the service.
struct ServiceEnvironment {
    var projectDirectory: String
    var environment: [String: String]
    var readsEnvFiles = true

    func resolve(_ root: Node) throws -> Node {
        guard let services = root["services"], let pairs = services.pairs else { return root }
        var resolved: [Node.Pair] = []
        for pair in pairs {
            let path = DocumentPath("services", pair.key.scalar ?? "")
            resolved.append(Node.Pair(key: pair.key, value: try resolve(service: pair.value, at: path)))
        }
        return root.settingValue(Node(.mapping(resolved), mark: services.mark), for: "services")
    }

    private func resolve(service: Node, at path: DocumentPath) throws -> Node {
        guard service.pairs != nil else { return service }
        let envFiles = readsEnvFiles ? service["env_file"] : nil
        let written = service["environment"]
        guard envFiles != nil || written != nil else { return service }
        // A scalar `environment` is a type error the model reports; leave it as written.
        if let written, written.scalar != nil, !written.isNull { return service }

        var pairs: [Node.Pair] = []
        if let envFiles {
            for (index, entry) in ListForms.sequence(envFiles).enumerated() {
                let entryPath = envFiles.sequence == nil ? path.appending("env_file") : path.appending("env_file").appending(index)
                for (key, value) in try read(envFile: entry, at: entryPath) {
                    let node = Node(.scalar(value, .doubleQuoted), mark: entry.mark)
                    set(key, node, keyMark: entry.mark, in: &pairs)
                }
            }
        }
        if let written {
            for pair in ListForms.keyValueMapping(written).pairs ?? [] {
                let key = pair.key.scalar ?? ""
                var value = pair.value
                if value.isNull, let fromShell = environment[key] {
                    value = Node(.scalar(fromShell, .doubleQuoted), mark: value.mark)
                }
                set(key, value, keyMark: pair.key.mark, in: &pairs)
            }
        }
        var result = service
        if readsEnvFiles { result.kind = .mapping((service.pairs ?? []).filter { $0.key.scalar != "env_file" }) }
        let environmentNode = Node(.mapping(pairs), mark: written?.mark ?? envFiles?.mark ?? service.mark)
        return result.settingValue(environmentNode, for: "environment")
    }

    /// One `env_file` entry: a path, or `{path, required, format}`.
    private func read(envFile entry: Node, at path: DocumentPath) throws -> [(key: String, value: String)] {
        guard let file = entry.scalar ?? entry["path"]?.scalar, !file.isEmpty else {
            throw ComposeError(entry, path.description, "env_file entry needs a path")
        }
        let required = entry["required"]?.bool ?? true
        let raw = entry["format"]?.scalar == "raw"
        let absolute = PathText.absolute(file, from: projectDirectory)
        guard HostFiles.isFile(absolute) else {
            if !required { return [] }
            throw ComposeError(entry, path.description, "env file \(absolute) not found: no such file or directory")
        }
        let text: String
        do {
            text = String(decoding: try HostFiles.read(absolute), as: UTF8.self)
        } catch {
            throw ComposeError(entry, path.description, error.description)
        }
        if raw { return DotEnvParser.parseRaw(text) }
        let environment = self.environment
        do {
            return try DotEnvParser(lookup: { environment[$0] }).parse(text)
        } catch {
            throw ComposeError(entry, path.description, "failed to read \(absolute): line \(error.line): \(error.message)")
        }
    }

    private func set(_ key: String, _ value: Node, keyMark: Mark, in pairs: inout [Node.Pair]) {
        if let index = pairs.firstIndex(where: { $0.key.scalar == key }) {
            pairs[index].value = value
        } else {
            pairs.append(Node.Pair(key: Node(.scalar(key, .plain), mark: keyMark), value: value))
        }
    }
}
