import Linux

/// Everything a command needs to run: its parsed options, the global ones and the process facts.
public struct Invocation: Sendable {
    public let command: CommandSpec
    public let global: ParsedOptions
    public let options: ParsedOptions
    public let arguments: [String]
    public let environment: [String: String]
    public let workingDirectory: String

    public var stateRoot: StateRoot { StateRoot.fromEnvironment(environment) }
}
