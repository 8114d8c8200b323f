/// `--help` text, rendered from the same option tables the parser uses.
enum Help {
    static func render(_ command: CommandSpec) -> String {
        var text = command.usage + "\n\n" + command.summary + "\n"
        if !command.subcommands.isEmpty {
            let width = (command.subcommands.map(\.word.count).max() ?? 0) + 2
            text += "\nCommands:\n" + command.subcommands.map { "  " + String($0.word).padding(width) + $0.summary + "\n" }.joined()
        }
        let options = command.options + [.flag("help", short: "h", "Show help")]
        text += "\nOptions:\n" + table(options)
        return text
    }

    static func renderTop(_ commands: [CommandSpec]) -> String {
        var text = "Usage:  swcompose [OPTIONS] COMMAND\n\nDefine and run multi-container applications, daemonless\n"
        text += "\nOptions:\n" + table(GlobalOptions.specs)
        text += "\nCommands:\n"
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        for command in commands {
            text += "  " + command.name.padding(width) + command.summary + "\n"
        }
        text += "\nRun 'swcompose COMMAND --help' for more information on a command.\n"
        return text
    }

    static func table(_ options: [OptionSpec]) -> String {
        let heads = options.map { spec -> String in
            var head = spec.short.map { "-\($0), " } ?? "    "
            head += "--" + spec.long
            if case .value(let name, let repeatable) = spec.kind { head += " " + name + (repeatable ? "..." : "") }
            return head
        }
        let width = (heads.map(\.count).max() ?? 0) + 3
        return zip(heads, options).map { head, spec in
            var help = spec.help
            if !spec.choices.isEmpty { help += " (\(spec.choices.joined(separator: "|")))" }
            return "  " + head.padding(width) + help + "\n"
        }.joined()
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
