import YAML

/// Loading failures that have no position in a compose file (positional ones are `ComposeError`).
public enum LoadError: Error, Sendable, Equatable, CustomStringConvertible {
    case noConfigurationFile
    case cannotRead(path: String, reason: String)
    /// A YAML syntax problem, already `file:line:col: message`.
    case syntax(String)
    case notAMapping(file: String)
    case invalidProjectName(name: String, source: String)
    case emptyProjectName(directory: String)
    case envFileMissing(path: String)
    case envFileSyntax(path: String, line: Int, message: String)

    public var description: String {
        switch self {
        case .noConfigurationFile:
            return "no configuration file provided: not found"
        case .cannotRead(let path, let reason):
            return "open \(path): \(reason)"
        case .syntax(let error):
            return error
        case .notAMapping(let file):
            return "\(file): top-level object must be a mapping"
        case .invalidProjectName(let name, let source):
            return "invalid project name \"\(name)\" (from \(source)): must consist only of lowercase alphanumeric "
                + "characters, hyphens, and underscores as well as start with a letter or number"
        case .emptyProjectName(let directory):
            return "project name must not be empty: the directory name \"\(PathText.baseName(directory))\" has no "
                + "usable characters; set one with -p, COMPOSE_PROJECT_NAME or a top-level name:"
        case .envFileMissing(let path):
            return "couldn't find env file: \(path)"
        case .envFileSyntax(let path, let line, let message):
            return "failed to read \(path): line \(line): \(message)"
        }
    }
}

/// Something compose would print as a warning and then carry on, e.g. an unset variable.
public struct LoadWarning: Sendable, Equatable, CustomStringConvertible {
    public var mark: Mark
    public var path: String
    public var message: String

    public var description: String {
        ComposeError(mark: mark, path: path, message: message).description
    }
}
