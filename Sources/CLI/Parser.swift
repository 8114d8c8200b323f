/// A command line that could not be understood: printed with the usage line, exit status 1.
public struct UsageError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let command: String?
    public var description: String { message }
}

/// The parsed values of one option table.
public struct ParsedOptions: Sendable {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    /// Flags given as `--name=false`: for flags whose default is true.
    var cleared: Set<String> = []

    public func flag(_ long: String) -> Bool { flags.contains(long) }
    public func flag(_ long: String, default: Bool) -> Bool { flags.contains(long) || (`default` && !cleared.contains(long)) }
    public func value(_ long: String) -> String? { values[long]?.last }
    public func all(_ long: String) -> [String] { values[long] ?? [] }
}

/// Docker's grammar (pflag): `--name value`, `--name=value`, `-f value`, `-fvalue`, combined short flags `-dV`,
/// `--` ends options. Options may appear between positional arguments, except after `--`.
struct ArgumentParser {
    let specs: [OptionSpec]
    let command: String?
    /// Stop at the first positional argument (global options, and `exec`/`run` whose command follows).
    let stopAtPositional: Bool

    func parse(_ arguments: ArraySlice<String>) throws(UsageError) -> (ParsedOptions, [String]) {
        var options = ParsedOptions()
        var positionals: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                positionals.append(contentsOf: arguments[index...])
                break
            }
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let name = String(body.prefix(while: { $0 != "=" }))
                guard let spec = specs.first(where: { $0.long == name }) else { throw unknown("--\(name)") }
                if spec.takesValue {
                    let value: String
                    if let equals = body.firstIndex(of: "=") {
                        value = String(body[body.index(after: equals)...])
                    } else {
                        guard index < arguments.endIndex else { throw needsArgument("--\(name)") }
                        value = arguments[index]
                        index += 1
                    }
                    try store(value, for: spec, into: &options)
                } else {
                    if body.contains("=") {
                        let value = body.split(separator: "=", maxSplits: 1).last.map(String.init) ?? ""
                        guard value == "true" || value == "false" else {
                            throw UsageError(message: "invalid argument \"\(value)\" for \"--\(name)\" flag: expected true or false", command: command)
                        }
                        if value == "true" {
                            options.flags.insert(spec.long)
                            options.cleared.remove(spec.long)
                        } else {
                            options.flags.remove(spec.long)
                            options.cleared.insert(spec.long)
                        }
                    } else {
                        options.flags.insert(spec.long)
                    }
                }
            } else if argument.hasPrefix("-") && argument.count > 1 {
                var letters = argument.dropFirst()
                while let letter = letters.first {
                    letters = letters.dropFirst()
                    guard let spec = specs.first(where: { $0.short == letter }) else { throw unknown("-\(letter)") }
                    if spec.takesValue {
                        let value: String
                        if !letters.isEmpty {
                            value = String(letters.hasPrefix("=") ? letters.dropFirst() : letters)
                        } else {
                            guard index < arguments.endIndex else { throw needsArgument("-\(letter)") }
                            value = arguments[index]
                            index += 1
                        }
                        try store(value, for: spec, into: &options)
                        break
                    }
                    options.flags.insert(spec.long)
                }
            } else {
                positionals.append(argument)
                if stopAtPositional {
                    positionals.append(contentsOf: arguments[index...])
                    break
                }
            }
        }
        return (options, positionals)
    }

    private func store(_ value: String, for spec: OptionSpec, into options: inout ParsedOptions) throws(UsageError) {
        if !spec.choices.isEmpty && !spec.choices.contains(value) {
            throw UsageError(message: "invalid argument \"\(value)\" for \"--\(spec.long)\": allowed values are \(spec.choices.joined(separator: ", "))", command: command)
        }
        if case .value(_, true) = spec.kind {
            options.values[spec.long, default: []].append(value)
        } else {
            options.values[spec.long] = [value]
        }
    }

    private func unknown(_ flag: String) -> UsageError {
        UsageError(message: flag.hasPrefix("--") ? "unknown flag: \(flag)" : "unknown shorthand flag: '\(flag.dropFirst())' in \(flag)", command: command)
    }

    private func needsArgument(_ flag: String) -> UsageError {
        UsageError(message: "flag needs an argument: \(flag)", command: command)
    }
}
