/// The command table: `--help`, the parser and completion all read it.
enum Commands {
    static let all: [CommandSpec] = [
        VersionCommand.spec,
        ConfigCommand.spec,
        ImageCommand.spec,
        PullCommand.spec,
        UpCommand.spec,
        DownCommand.spec,
        CompletionCommand.spec,
        PsCommand.spec,
        LogsCommand.spec,
        ExecCommand.spec,
        StartCommand.spec,
        StopCommand.spec,
        RestartCommand.spec,
        KillCommand.spec,
        RmCommand.spec,
        PauseCommand.spec,
        PauseCommand.unpauseSpec,
        WaitCommand.spec,
        PortCommand.spec,
        TopCommand.spec,
        ImagesCommand.spec,
        LsCommand.spec,
        StatsCommand.spec,
        EventsCommand.spec,
        RunCommand.spec,
        CreateCommand.spec,
        CpCommand.spec,
        AttachCommand.spec,
        BuildCommand.spec,
    ].sorted { $0.name < $1.name }

    /// A command or subcommand by its full name ("image ls").
    static func find(_ name: String) -> CommandSpec? {
        (all + all.flatMap(\.subcommands)).first { $0.name == name }
    }

    /// Commands whose trailing arguments belong to a container command, not to swcompose.
    static let stopsAtPositional: Set<String> = ["exec", "run"]
}
