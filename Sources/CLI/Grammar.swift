/// One option of a command. The same table drives parsing, `--help` and shell completion.
public struct OptionSpec: Sendable {
    public enum Kind: Sendable {
        case flag
        /// Takes a value; `repeatable` options collect every occurrence.
        case value(name: String, repeatable: Bool)
    }

    public let long: String
    public let short: Character?
    public let kind: Kind
    public let help: String
    /// Values offered by completion and checked by the parser (empty: anything).
    public let choices: [String]

    public init(_ long: String, short: Character? = nil, _ kind: Kind = .flag, help: String, choices: [String] = []) {
        self.long = long
        self.short = short
        self.kind = kind
        self.help = help
        self.choices = choices
    }

    public static func flag(_ long: String, short: Character? = nil, _ help: String) -> OptionSpec {
        OptionSpec(long, short: short, .flag, help: help)
    }

    public static func value(_ long: String, short: Character? = nil, _ valueName: String, _ help: String,
                             repeatable: Bool = false, choices: [String] = []) -> OptionSpec {
        OptionSpec(long, short: short, .value(name: valueName, repeatable: repeatable), help: help, choices: choices)
    }

    var takesValue: Bool {
        if case .value = kind { return true }
        return false
    }
}

/// A subcommand: its grammar and what runs it.
public struct CommandSpec: Sendable {
    public let name: String
    public let summary: String
    /// Positional arguments as shown in the usage line, e.g. `[SERVICE...]`.
    public let arguments: String
    public let options: [OptionSpec]
    /// `image ls`, `image rm`, ...: the first argument picks one; its name includes the parent's.
    public let subcommands: [CommandSpec]
    public let run: @Sendable (Invocation) async throws -> Int32

    public init(_ name: String, _ summary: String, arguments: String = "", options: [OptionSpec] = [],
                run: @escaping @Sendable (Invocation) async throws -> Int32) {
        self.name = name
        self.summary = summary
        self.arguments = arguments
        self.options = options
        self.subcommands = []
        self.run = run
    }

    public init(_ name: String, _ summary: String, subcommands: [CommandSpec]) {
        self.name = name
        self.summary = summary
        self.arguments = "COMMAND"
        self.options = []
        self.subcommands = subcommands
        self.run = { _ in 1 }
    }

    /// The last word of the name, as typed after the parent command.
    var word: Substring { name.split(separator: " ").last ?? Substring(name) }

    var usage: String {
        "Usage:  swcompose \(name) [OPTIONS]" + (arguments.isEmpty ? "" : " \(arguments)")
    }
}

/// Options every command accepts, given before the command name.
enum GlobalOptions {
    static let specs: [OptionSpec] = [
        .value("file", short: "f", "FILE", "Compose configuration files", repeatable: true),
        .value("project-name", short: "p", "NAME", "Project name"),
        .value("project-directory", "DIR", "Specify an alternate working directory (default: the path of the first specified Compose file)"),
        .value("env-file", "FILE", "Specify an alternate environment file", repeatable: true),
        .value("profile", "PROFILE", "Specify a profile to enable", repeatable: true),
        .value("ansi", "WHEN", "Control when to print ANSI control characters", choices: ["never", "always", "auto"]),
        .value("progress", "TYPE", "Set type of progress output", choices: ["auto", "tty", "plain", "json", "quiet"]),
        .flag("dry-run", "Execute command in dry run mode"),
        .flag("version", short: "v", "Show the swcompose version information"),
        .flag("help", short: "h", "Show help"),
    ]
}
