import Linux

enum VersionCommand {
    static let spec = CommandSpec(
        "version", "Show the swcompose version information",
        options: [
            .value("format", short: "f", "FORMAT", "Format the output", choices: ["pretty", "json"]),
            .flag("short", "Shows only the version number"),
        ]
    ) { invocation in
        let version = SwcomposeCommand.version
        if invocation.options.flag("short") {
            Console.out("\(version)\n")
        } else if invocation.options.value("format") == "json" {
            Console.out("{\"version\":\"v\(version)\"}\n")
        } else {
            Console.out("swcompose version v\(version)\n")
        }
        return 0
    }
}
