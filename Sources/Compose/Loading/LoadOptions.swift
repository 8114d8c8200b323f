/// What the command line and the process hand to the loader (`-f`, `-p`, `--project-directory`, ...).
public struct LoadOptions: Sendable {
    /// `-f` values in order; `-` reads `stdinData` (or standard input when that is nil).
    public var files: [String]
    public var stdinData: [UInt8]?
    /// `-p`.
    public var projectName: String?
    /// `--project-directory`.
    public var projectDirectory: String?
    /// `--env-file`, replacing the project's `.env` when given.
    public var envFiles: [String]
    /// `--profile`.
    public var profiles: [String]
    /// Services named on the command line.
    public var requestedServices: [String]
    /// `--no-interpolate` turns this off: `$` text stays as written.
    public var interpolate: Bool
    /// false keeps each service's `env_file` list instead of folding the files into `environment`
    /// (compose's `WithoutEnvironmentResolution`, which `config --hash` uses).
    public var resolveEnvironment: Bool
    /// The directory the command runs in; relative `-f` and discovery start here.
    public var workingDirectory: String
    /// The process environment; it wins over `.env` values.
    public var environment: [String: String]

    public init(files: [String] = [], stdinData: [UInt8]? = nil, projectName: String? = nil,
                projectDirectory: String? = nil, envFiles: [String] = [], profiles: [String] = [],
                requestedServices: [String] = [], interpolate: Bool = true,
                resolveEnvironment: Bool = true, workingDirectory: String, environment: [String: String]) {
        self.files = files
        self.stdinData = stdinData
        self.projectName = projectName
        self.projectDirectory = projectDirectory
        self.envFiles = envFiles
        self.profiles = profiles
        self.requestedServices = requestedServices
        self.interpolate = interpolate
        self.resolveEnvironment = resolveEnvironment
        self.workingDirectory = workingDirectory
        self.environment = environment
    }
}
