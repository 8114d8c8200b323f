import YAML

/// Reads a compose project the way docker compose v2 does, up to one merged, interpolated node tree.
public enum ProjectLoader {
    /// Throws `ComposeError` for problems at a place in a file, `LoadError` for the rest.
    public static func load(_ options: LoadOptions) throws -> ComposeDocument {
        try loadWithWarnings(options).document
    }

    /// Like `load`, also returning what compose would warn about (unset variables), in file order.
    public static func loadWithWarnings(_ options: LoadOptions) throws -> (document: ComposeDocument, warnings: [LoadWarning]) {
        let cwd = PathText.clean(options.workingDirectory)
        let explicitDirectory = options.projectDirectory.map { PathText.absolute($0, from: cwd) }
        let firstFile = options.files.first(where: { $0 != "-" }).map { PathText.absolute($0, from: cwd) }

        // `.env` is read before the compose files are known: COMPOSE_FILE may come from it.
        var environment = options.environment
        let envDirectory = explicitDirectory ?? firstFile.map(PathText.directory(of:)) ?? cwd
        let useDefaultEnvFile = options.envFiles.isEmpty && !isTrue(options.environment["COMPOSE_DISABLE_ENV_FILE"])
        let envFiles = useDefaultEnvFile
            ? defaultEnvFile(in: envDirectory).map { [$0] } ?? []
            : options.envFiles.map { PathText.absolute($0, from: cwd) }
        add(try DotEnvFiles.read(envFiles, shell: options.environment), to: &environment)

        let files = try ConfigFileLocator.locate(files: options.files, environment: environment, start: cwd)
        let projectDirectory = explicitDirectory
            ?? files.first(where: { $0 != "-" }).map(PathText.directory(of:)) ?? cwd
        if useDefaultEnvFile, projectDirectory != envDirectory, let dotEnv = defaultEnvFile(in: projectDirectory) {
            add(try DotEnvFiles.read([dotEnv], shell: environment), to: &environment)
        }

        let sources = try files.map { try ComposeSource.read($0, stdin: options.stdinData) }
        let projectName = try ProjectNaming.name(option: options.projectName, environment: environment,
                                                 documents: sources.flatMap(\.documents),
                                                 interpolate: options.interpolate, projectDirectory: projectDirectory)
        environment["COMPOSE_PROJECT_NAME"] = projectName

        let scope = ProjectScope(directory: projectDirectory, environment: environment, interpolate: options.interpolate)
        var assembler = DocumentAssembler(stdin: options.stdinData)
        var root = try assembler.assemble(sources, scope: scope, includeChain: [])
        // Without interpolation compose prints its model as written: env files stay listed, and
        // `environment` keeps its form and its bare names.
        if options.interpolate {
            root = try ServiceEnvironment(projectDirectory: projectDirectory, environment: environment,
                                          readsEnvFiles: options.resolveEnvironment).resolve(root)
        }
        root = root.settingValue(Node(.scalar(projectName, .plain), mark: root["name"]?.mark ?? root.mark), for: "name")

        let document = ComposeDocument(root: root, projectName: projectName, workingDirectory: projectDirectory,
                                       configFiles: files, environment: environment,
                                       activeProfiles: activeProfiles(options.profiles, environment),
                                       requestedServices: options.requestedServices, interpolated: options.interpolate)
        return (document, assembler.warnings)
    }

    /// `--profile` values, else `COMPOSE_PROFILES` (comma-separated); compose ignores the variable when
    /// the flag is given.
    static func activeProfiles(_ flags: [String], _ environment: [String: String]) -> [String] {
        let listed = flags.isEmpty
            ? (environment["COMPOSE_PROFILES"] ?? "").split(separator: ",").map { String($0).trimmed() }
            : flags
        var seen = Set<String>()
        return listed.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// Go's `strconv.ParseBool` truths, as compose reads `COMPOSE_DISABLE_ENV_FILE`.
    private static func isTrue(_ value: String?) -> Bool {
        ["1", "t", "T", "true", "TRUE", "True"].contains(value ?? "")
    }

    private static func defaultEnvFile(in directory: String) -> String? {
        let path = PathText.join(directory, ".env")
        return HostFiles.isFile(path) ? path : nil
    }

    /// The shell (and what was read first) wins: only unset keys are added.
    private static func add(_ values: [String: String], to environment: inout [String: String]) {
        for (key, value) in values where environment[key] == nil { environment[key] = value }
    }
}

private extension String {
    func trimmed() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
