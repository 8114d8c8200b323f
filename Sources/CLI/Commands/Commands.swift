/// The command table: `--help`, the parser and completion all read it.
enum Commands {
    static let all: [CommandSpec] = [
        VersionCommand.spec,
        ConfigCommand.spec,
        CompletionCommand.spec,
    ].sorted { $0.name < $1.name }

    /// Commands whose trailing arguments belong to a container command, not to swcompose.
    static let stopsAtPositional: Set<String> = ["exec", "run"]
}
