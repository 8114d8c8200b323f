import YAML

/// Turns parsed compose files into one tree: each document is interpolated, gets its includes and
/// extends applied, and is merged onto the documents before it (compose-go's per-file order).
struct DocumentAssembler {
    var stdin: [UInt8]?
    private(set) var warnings: [LoadWarning] = []
    /// Services of files named by `extends.file`, already interpolated and rebased, by absolute path and
    /// the directory they were rebased to (an included project extending the same file sees other paths).
    private var extendedFiles: [ExtendedFile: Node] = [:]

    private struct ExtendedFile: Hashable {
        var path: String
        var projectDirectory: String
    }

    init(stdin: [UInt8]?) { self.stdin = stdin }

    /// `includeChain` holds the files that included this project, to refuse cycles.
    mutating func assemble(_ sources: [ComposeSource], scope: ProjectScope, includeChain: [String]) throws -> Node {
        var merged = Node(.mapping([]), mark: sources.first?.documents.first?.mark ?? .unknown)
        for source in sources {
            for document in source.documents {
                var document = try interpolate(document, scope: scope)
                document = try applyIncludes(document, file: source.path, scope: scope, chain: includeChain + [source.path])
                document = try applyExtends(document, file: source.path, scope: scope)
                merged = try NodeMerger.mergeMappings(merged, document, at: DocumentPath())
            }
        }
        return ResetTags.strip(SequenceUnicity.apply(merged))
    }

    mutating func interpolate(_ document: Node, scope: ProjectScope) throws -> Node {
        guard scope.interpolate else { return document }
        var interpolator = NodeInterpolator(environment: scope.environment)
        let result = try interpolator.interpolate(document)
        warnings += interpolator.warnings
        return result
    }

    // MARK: - include

    private mutating func applyIncludes(_ document: Node, file: String, scope: ProjectScope, chain: [String]) throws -> Node {
        guard let include = document["include"] else { return document }
        var document = document
        document.kind = .mapping((document.pairs ?? []).filter { $0.key.scalar != "include" })
        for (index, entry) in ListForms.sequence(include).enumerated() {
            let path = include.sequence == nil ? DocumentPath("include") : DocumentPath("include").appending(index)
            let imported = try loadInclude(entry, at: path, scope: scope, chain: chain)
            document = try importResources(imported, into: document)
        }
        return document
    }

    private mutating func loadInclude(_ entry: Node, at path: DocumentPath, scope: ProjectScope, chain: [String]) throws -> Node {
        let pathNode = entry.scalar != nil ? entry : entry["path"]
        let files = ListForms.sequence(pathNode ?? .null()).compactMap(\.scalar).map { PathText.absolute($0, from: scope.directory) }
        guard let main = files.first else { throw ComposeError(entry, path.description, "include requires a path") }
        if chain.contains(main) {
            let cycle = (chain.drop(while: { $0 != main }) + [main]).joined(separator: " include ")
            throw ComposeError(entry, path.description, "include cycle detected: \(cycle)")
        }
        let directory = entry["project_directory"]?.scalar.map { PathText.absolute($0, from: scope.directory) }
            ?? PathText.directory(of: main)

        var envFiles: [String] = []
        if let listed = entry["env_file"] {
            for file in ListForms.sequence(listed).compactMap(\.scalar) where file != "/dev/null" {
                let absolute = PathText.absolute(file, from: scope.directory)
                guard HostFiles.isFile(absolute) else { throw ComposeError(listed, path.appending("env_file").description,
                                                                           "env file \(absolute) not found") }
                envFiles.append(absolute)
            }
        } else if HostFiles.isFile(PathText.join(directory, ".env")) {
            envFiles = [PathText.join(directory, ".env")]
        }
        var environment = scope.environment
        for (key, value) in try DotEnvFiles.read(envFiles, shell: scope.environment) where environment[key] == nil {
            environment[key] = value
        }

        let sources = try files.map { try ComposeSource.read($0, stdin: stdin) }
        let included = ProjectScope(directory: directory, environment: environment, interpolate: scope.interpolate)
        let root = try assemble(sources, scope: included, includeChain: chain)
        return PathRebase(from: scope.directory, to: directory).document(root)
    }

    /// Adds an included project's resources; a name already defined here must have the same content.
    private func importResources(_ imported: Node, into document: Node) throws -> Node {
        var document = document
        for section in ["services", "volumes", "networks", "secrets", "configs", "models"] {
            guard let incoming = imported[section]?.pairs else { continue }
            let existing = document[section]
            var pairs = existing?.pairs ?? []
            for pair in incoming {
                let name = pair.key.scalar ?? ""
                if let local = pairs.first(where: { $0.key.scalar == name }) {
                    guard NodeContent.same(local.value, pair.value) else {
                        throw ComposeError(local.key, "\(section).\(name)", "conflicts with imported resource")
                    }
                    continue
                }
                pairs.append(pair)
            }
            document = document.settingValue(Node(.mapping(pairs), mark: existing?.mark ?? imported.mark), for: section)
        }
        return document
    }

    // MARK: - extends

    private mutating func applyExtends(_ document: Node, file: String, scope: ProjectScope) throws -> Node {
        guard let services = document["services"], let pairs = services.pairs,
              pairs.contains(where: { $0.value["extends"] != nil }) else { return document }
        var resolved: [Node.Pair] = []
        for pair in pairs {
            let name = pair.key.scalar ?? ""
            let service = try resolveExtends(name, in: services, file: file, scope: scope, chain: [(file, name)])
            resolved.append(Node.Pair(key: pair.key, value: service))
        }
        return document.settingValue(Node(.mapping(resolved), mark: services.mark), for: "services")
    }

    private mutating func resolveExtends(_ name: String, in services: Node, file: String, scope: ProjectScope,
                                         chain: [(file: String, service: String)]) throws -> Node {
        guard let service = services[name] else { return .null() }
        guard let extends = service["extends"] else { return service }
        let path = DocumentPath("services", name, "extends")
        guard let reference = extends.scalar ?? extends["service"]?.scalar, !reference.isEmpty else {
            throw ComposeError(extends, path.description, "extends requires a service name")
        }
        var baseServices = services
        var baseFile = file
        if let other = extends["file"]?.scalar {
            baseFile = PathText.absolute(other, from: scope.directory)
            baseServices = try extendedServices(baseFile, scope: scope, node: extends, path: path)
            guard baseServices[reference] != nil else {
                throw ComposeError(extends, path.description,
                                   "cannot extend service \"\(name)\" in \(file): service \"\(reference)\" not found in \(other)")
            }
        } else if services[reference] == nil {
            throw ComposeError(extends, path.description,
                               "cannot extend service \"\(name)\" in \(file): service \"\(reference)\" not found")
        }
        if chain.contains(where: { $0.file == baseFile && $0.service == reference }) {
            let steps = chain.dropFirst().map { "extends \($0.service) in \($0.file)" }
            let text = (["\(chain[0].service) in \(chain[0].file)"] + steps + ["extends \(reference) in \(baseFile)"])
                .joined(separator: ", ")
            throw ComposeError(extends, path.description, "circular reference: \(text)")
        }
        let base = try resolveExtends(reference, in: baseServices, file: baseFile, scope: scope,
                                      chain: chain + [(baseFile, reference)])
        var merged = try NodeMerger.merge(base, service, at: DocumentPath("services", name))
        merged.kind = .mapping((merged.pairs ?? []).filter { $0.key.scalar != "extends" })
        merged.mark = service.mark
        return merged
    }

    /// The services of another file named by `extends.file`: interpolated, merged and rebased, read once.
    private mutating func extendedServices(_ file: String, scope: ProjectScope, node: Node, path: DocumentPath) throws -> Node {
        let key = ExtendedFile(path: file, projectDirectory: scope.directory)
        if let cached = extendedFiles[key] { return cached }
        let source: ComposeSource
        do {
            source = try ComposeSource.read(file, stdin: stdin)
        } catch let error as LoadError {
            throw ComposeError(node, path.description, error.description)
        }
        var merged = Node(.mapping([]))
        for document in source.documents {
            merged = try NodeMerger.mergeMappings(merged, try interpolate(document, scope: scope), at: DocumentPath())
        }
        let rebase = PathRebase(from: scope.directory, to: PathText.directory(of: file))
        let services = Node(.mapping((merged["services"]?.pairs ?? []).map { Node.Pair(key: $0.key, value: rebase.service($0.value)) }))
        extendedFiles[key] = services
        return services
    }
}

/// Structural equality that ignores where nodes were written.
enum NodeContent {
    static func same(_ a: Node, _ b: Node) -> Bool {
        switch (a.kind, b.kind) {
        case (.scalar(let x, _), .scalar(let y, _)):
            return x == y
        case (.sequence(let x), .sequence(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.mapping(let x), .mapping(let y)):
            return x.count == y.count && x.allSatisfy { pair in
                y.first(where: { $0.key.scalar == pair.key.scalar }).map { same(pair.value, $0.value) } ?? false
            }
        default:
            return false
        }
    }
}
