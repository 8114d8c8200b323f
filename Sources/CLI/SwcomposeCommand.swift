import Glibc
import Linux

/// The `swcompose` command line: global options, then a command from `Commands.all`.
public enum SwcomposeCommand {
    public static let version = "0.1.0"

    public static func main() async {
        let status = await run(Array(CommandLine.arguments.dropFirst()),
                               environment: CurrentProcess.environment(),
                               workingDirectory: (try? CurrentProcess.workingDirectory()) ?? "/")
        exit(status)
    }

    /// Parses and runs one command line; returns the exit status. Errors are printed here, once.
    public static func run(_ arguments: [String], environment: [String: String], workingDirectory: String) async -> Int32 {
        let commands = Commands.all
        do {
            let global = ArgumentParser(specs: GlobalOptions.specs, command: nil, stopAtPositional: true)
            let (globalOptions, rest) = try global.parse(arguments[...])
            if globalOptions.flag("version") && rest.isEmpty {
                Console.out("swcompose version v\(version)\n")
                return 0
            }
            guard let name = rest.first else {
                Console.out(Help.renderTop(commands))
                return globalOptions.flag("help") ? 0 : 1
            }
            guard var command = commands.first(where: { $0.name == name }) else {
                throw UsageError(message: "unknown command: \"\(name)\"\nRun 'swcompose --help' for the list of commands.", command: nil)
            }
            var words = rest.dropFirst()
            while !command.subcommands.isEmpty {
                guard let word = words.first, let sub = command.subcommands.first(where: { $0.word == word }) else {
                    Console.out(Help.render(command))
                    return words.first == nil || words.first == "--help" || words.first == "-h" ? 0 : 1
                }
                command = sub
                words = words.dropFirst()
            }
            let parser = ArgumentParser(specs: command.options + [.flag("help", short: "h", "Show help")],
                                        command: command.name, stopAtPositional: Commands.stopsAtPositional.contains(command.name))
            let (options, positionals) = try parser.parse(words)
            if options.flag("help") {
                Console.out(Help.render(command))
                return 0
            }
            let invocation = Invocation(command: command, global: globalOptions, options: options,
                                        arguments: positionals, environment: environment,
                                        workingDirectory: workingDirectory)
            return try await command.run(invocation)
        } catch let error as UsageError {
            Console.err(error.message + "\n")
            if let name = error.command, let command = Commands.find(name) {
                Console.err("\n" + command.usage + "\n\nRun 'swcompose \(name) --help' for more information.\n")
            }
            return 1
        } catch let error as ExitStatus {
            return error.status
        } catch {
            Console.err("\(error)\n")
            return 1
        }
    }
}

/// Thrown by a command that already printed what went wrong and wants a particular status.
public struct ExitStatus: Error, Sendable {
    public let status: Int32
    public init(_ status: Int32) { self.status = status }
}
