import Testing
@testable import CLI

@Suite struct ParserTests {
    let specs: [OptionSpec] = [
        .flag("detach", short: "d", "Detached mode"),
        .flag("build", "Build images"),
        .value("file", short: "f", "FILE", "Files", repeatable: true),
        .value("timeout", short: "t", "SECONDS", "Timeout"),
        .value("progress", "TYPE", "Progress", choices: ["plain", "tty"]),
    ]

    func parse(_ words: [String], stop: Bool = false) throws -> (ParsedOptions, [String]) {
        try ArgumentParser(specs: specs, command: "up", stopAtPositional: stop).parse(words[...])
    }

    @Test func longShortAttachedAndEqualsForms() throws {
        let (options, rest) = try parse(["-d", "--file", "a.yml", "-fb.yml", "--file=c.yml", "-t", "5", "web"])
        #expect(options.flag("detach"))
        #expect(options.all("file") == ["a.yml", "b.yml", "c.yml"])
        #expect(options.value("timeout") == "5")
        #expect(rest == ["web"])
    }

    @Test func combinedShortFlagsEndWithAValueOption() throws {
        let (options, _) = try parse(["-dt3"])
        #expect(options.flag("detach") && options.value("timeout") == "3")
    }

    @Test func doubleDashEndsOptions() throws {
        let (options, rest) = try parse(["web", "--", "-d"])
        #expect(!options.flag("detach"))
        #expect(rest == ["web", "-d"])
    }

    @Test func stopAtPositionalKeepsTheContainerCommandsFlags() throws {
        let (options, rest) = try parse(["-d", "web", "ls", "-d"], stop: true)
        #expect(options.flag("detach"))
        #expect(rest == ["web", "ls", "-d"])
    }

    @Test func unknownFlagsAndMissingValuesAreUsageErrors() throws {
        #expect(throws: UsageError.self) { try parse(["--nope"]) }
        let error = try #require(throws: UsageError.self) { try parse(["-x"]) }
        #expect(error.message == "unknown shorthand flag: 'x' in -x")
        let missing = try #require(throws: UsageError.self) { try parse(["--timeout"]) }
        #expect(missing.message == "flag needs an argument: --timeout")
    }

    @Test func choicesAreChecked() throws {
        let error = try #require(throws: UsageError.self) { try parse(["--progress", "fancy"]) }
        #expect(error.message.contains("allowed values are plain, tty"))
    }

    @Test func unknownCommandExitsOneAndVersionPrints() async throws {
        #expect(await SwcomposeCommand.run(["frobnicate"], environment: [:], workingDirectory: "/") == 1)
        #expect(await SwcomposeCommand.run(["version", "--short"], environment: [:], workingDirectory: "/") == 0)
    }

    @Test func completionScriptsNameEveryCommandAndOption() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try #require(Completion.script(for: shell, commands: Commands.all))
            for command in Commands.all {
                #expect(script.contains(command.name))
                for option in command.options { #expect(script.contains(option.long)) }
            }
        }
    }
}
