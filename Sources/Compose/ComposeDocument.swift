import YAML

/// What loading produces and modelling consumes: one merged, interpolated node tree
/// (includes, extends and overrides already applied) plus the facts found along the way.
public struct ComposeDocument: Sendable {
    /// The merged top-level mapping. Every node keeps the file, line and column it came from.
    public var root: Node
    /// Normalised project name (`[a-z0-9][a-z0-9_-]*`).
    public var projectName: String
    /// Absolute project directory: relative paths in the model resolve against it.
    public var workingDirectory: String
    /// Absolute paths of the files that were read, in order (`-` for stdin).
    public var configFiles: [String]
    /// Variables used for interpolation: the shell's, then `.env`/`--env-file` values the shell does not set.
    public var environment: [String: String]
    /// Profiles turned on by `--profile` or `COMPOSE_PROFILES`.
    public var activeProfiles: [String]
    /// Services named on the command line: they turn on their own profiles.
    public var requestedServices: [String]
    /// False after `--no-interpolate`: `$` in values is still compose syntax, not a literal dollar.
    public var interpolated: Bool

    public init(root: Node, projectName: String, workingDirectory: String, configFiles: [String],
                environment: [String: String], activeProfiles: [String] = [], requestedServices: [String] = [],
                interpolated: Bool = true) {
        self.root = root
        self.projectName = projectName
        self.workingDirectory = workingDirectory
        self.configFiles = configFiles
        self.environment = environment
        self.activeProfiles = activeProfiles
        self.requestedServices = requestedServices
        self.interpolated = interpolated
    }
}

/// A problem in the user's compose input, printed as `file:line:col: services.web.ports[1]: message`.
public struct ComposeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var mark: Mark
    /// The key path inside the document, e.g. `services.web.ports[1]`; empty for whole-file problems.
    public var path: String
    public var message: String

    public init(mark: Mark, path: String, message: String) {
        self.mark = mark
        self.path = path
        self.message = message
    }

    public init(_ node: Node, _ path: String, _ message: String) {
        self.init(mark: node.mark, path: path, message: message)
    }

    public var description: String {
        var text = mark.description
        if !path.isEmpty { text += text.isEmpty ? path : ": \(path)" }
        return text.isEmpty ? message : "\(text): \(message)"
    }
}
