import Linux

enum CompletionCommand {
    static let spec = CommandSpec(
        "completion", "Print a shell completion script (bash, zsh or fish)", arguments: "SHELL"
    ) { invocation in
        guard invocation.arguments.count == 1,
              let script = Completion.script(for: invocation.arguments[0], commands: Commands.all)
        else {
            throw UsageError(message: "completion needs one shell: bash, zsh or fish", command: "completion")
        }
        Console.out(script)
        return 0
    }
}
