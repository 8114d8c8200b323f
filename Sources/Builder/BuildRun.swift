import Archive
import Images
import Linux

/// One build in progress: the stages built so far and the step counter for progress lines.
struct BuildRun {
    let builder: ImageBuilder
    let file: Dockerfile
    let buildArgs: [String: String]
    let context: LayeredTree
    let label: String
    var built: [BuildState] = []
    var globalArgs: [String: String] = [:]
    var total = 0
    var step = 0

    var store: ImageStore { builder.store }

    mutating func declareGlobalArgs() throws {
        for instruction in file.globalArgs {
            try wrap(instruction) {
                for (name, value) in try argDeclarations(instruction, variables: globalArgs) {
                    if let value = buildArgs[name] ?? value { globalArgs[name] = value }
                }
            }
        }
    }

    mutating func build(_ stage: Dockerfile.Stage) async throws -> BuildState {
        var state = try await from(stage.from)
        for instruction in stage.instructions {
            progress(instruction)
            try await wrap(instruction) { try await execute(instruction, &state) }
        }
        return state
    }

    private mutating func progress(_ instruction: Instruction) {
        step += 1
        builder.report("#\(step) [\(label)\(step)/\(total)] \(instruction.text)")
    }

    /// Errors of a step carry the Dockerfile, line and instruction.
    private func wrap(_ instruction: Instruction, _ body: () async throws -> Void) async throws {
        do { try await body() } catch let error as DockerfileError { throw error } catch {
            throw DockerfileError(path: file.path, line: instruction.line, instruction: instruction.keyword, message: "\(error)")
        }
    }

    private func wrap(_ instruction: Instruction, _ body: () throws -> Void) throws {
        do { try body() } catch let error as DockerfileError { throw error } catch {
            throw DockerfileError(path: file.path, line: instruction.line, instruction: instruction.keyword, message: "\(error)")
        }
    }

    private mutating func from(_ instruction: Instruction) async throws -> BuildState {
        progress(instruction)
        var state = BuildState.scratch
        try await wrap(instruction) {
            guard case .shell(let raw) = instruction.arguments else { return }
            let reference = try expander(globalArgs).words(raw)[0]
            if reference.lowercased() == "scratch" { return }
            if let index = file.stages.prefix(built.count).firstIndex(where: { $0.name == reference.lowercased() }) {
                state = built[index]
            } else {
                let image = try await builder.baseImage(reference)
                state = BuildState(image: image.config, layers: try store.layers(of: image))
            }
        }
        state.args = [:]
        state.cmdInherited = state.config.cmd != nil
        return state
    }

    func expander(_ variables: [String: String]) -> WordExpander {
        WordExpander(variables: variables, escape: file.escape)
    }

    /// `ARG a b=1`: names with their (expanded) defaults.
    func argDeclarations(_ instruction: Instruction, variables: [String: String]) throws -> [(String, String?)] {
        guard case .shell(let raw) = instruction.arguments else { throw StepError("expects NAME[=default]") }
        return try expander(variables).words(raw).map { word in
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : nil)
        }
    }

    private mutating func execute(_ instruction: Instruction, _ state: inout BuildState) async throws {
        let words = expander(state.variables)
        var emptyLayer = true
        switch (instruction.keyword, instruction.arguments) {
        case ("ARG", _):
            for (name, value) in try argDeclarations(instruction, variables: state.variables) {
                if let value = buildArgs[name] ?? value ?? globalArgs[name] { state.args[name] = value }
            }
        case ("ENV", .shell(let raw)):
            for (key, value) in try Self.keyValues(raw, words) { state.setEnvironment(key, value) }
        case ("LABEL", .shell(let raw)):
            var labels = state.config.labels ?? [:]
            for (key, value) in try Self.keyValues(raw, words) { labels[key] = value }
            state.config.labels = labels
        case ("RUN", let arguments):
            guard instruction.flags.isEmpty else {
                throw StepError("flags \(instruction.flags.keys.sorted().map { "--" + $0 }) are not supported")
            }
            let argv = command(arguments, state)
            guard !argv.isEmpty else { throw StepError("needs a command") }
            let cache = StepCache(store: store)
            let key = StepCache.key(run: argv, state: state)
            if builder.useCache, let cached = cache.lookup(key) {
                builder.report("#\(step) CACHED")
                state.layers.append(cached)
            } else {
                let layer = try RunStep(builder: builder, state: state).run(argv)
                cache.record(key, layer)
                state.layers.append(layer)
            }
            emptyLayer = false
        case ("COPY", _), ("ADD", _):
            let source = try await sourceTree(instruction.flags["from"], words)
            state.layers.append(try CopyStep(builder: builder, instruction: instruction, words: words, state: state, source: source).run())
            emptyLayer = false
        case ("WORKDIR", .shell(let raw)):
            let path = CopyStep.absolute(try words.word(raw), in: state.workingDirectory)
            state.config.workingDir = path
            if state.tree(store).resolve(String(path.dropFirst())) == nil {
                state.layers.append(try CopyStep.directoryLayer(path, store: store, state: state))
                emptyLayer = false
            }
        case ("CMD", let arguments):
            state.config.cmd = command(arguments, state)
            state.cmdInherited = false
        case ("ENTRYPOINT", let arguments):
            state.config.entrypoint = command(arguments, state)
            if state.cmdInherited {
                state.config.cmd = nil
                state.cmdInherited = false
            }
        case ("EXPOSE", .shell(let raw)):
            var ports = state.config.exposedPorts ?? [:]
            for port in try words.words(raw) { ports[port.contains("/") ? port.lowercased() : port + "/tcp"] = EmptyObject() }
            state.config.exposedPorts = ports
        case ("USER", .shell(let raw)):
            state.config.user = try words.word(raw)
        case ("VOLUME", let arguments):
            var volumes = state.config.volumes ?? [:]
            let paths: [String]
            switch arguments {
            case .exec(let list): paths = list
            case .shell(let raw): paths = try words.words(raw)
            }
            for path in paths { volumes[path] = EmptyObject() }
            state.config.volumes = volumes
        case ("STOPSIGNAL", .shell(let raw)):
            state.config.stopSignal = try words.word(raw)
        case ("SHELL", .exec(let list)):
            state.config.shell = list
        case ("HEALTHCHECK", .shell(let raw)):
            state.config.healthcheck = try healthcheck(raw, flags: instruction.flags)
        case ("MAINTAINER", .shell(let raw)):
            state.image.author = raw
        default:
            throw StepError("this form is not supported")
        }
        state.record(instruction, emptyLayer: emptyLayer)
    }

    /// Exec form as written; shell form through the stage's SHELL.
    private func command(_ arguments: Arguments, _ state: BuildState) -> [String] {
        switch arguments {
        case .exec(let list): list
        case .shell(let raw): state.shell + [raw]
        }
    }

    /// `KEY=value ...`, or the legacy `KEY value with spaces`.
    static func keyValues(_ raw: String, _ words: WordExpander) throws -> [(String, String)] {
        let firstWord = raw.prefix { !$0.isWhitespace }
        if !firstWord.contains("=") {
            let value = raw.dropFirst(firstWord.count).trimmedWhitespace
            guard !value.isEmpty else { throw StepError("\(firstWord) needs a value (KEY=value or KEY value)") }
            return [(String(firstWord), try words.word(value))]
        }
        return try words.words(raw).map { word in
            guard let equals = word.firstIndex(of: "=") else { throw StepError("\"\(word)\" is not KEY=value") }
            return (String(word[..<equals]), String(word[word.index(after: equals)...]))
        }
    }

    private func healthcheck(_ raw: String, flags: [String: String]) throws -> Healthcheck {
        let kind = raw.prefix { !$0.isWhitespace }.uppercased()
        if kind == "NONE" { return Healthcheck(test: ["NONE"]) }
        guard kind == "CMD" else { throw StepError("expects NONE or CMD <command>") }
        let rest = raw.dropFirst(3).trimmedWhitespace
        guard !rest.isEmpty else { throw StepError("CMD needs a command") }
        var check = Healthcheck(test: DockerfileParser.jsonStrings(rest).map { ["CMD"] + $0 } ?? ["CMD-SHELL", rest])
        func duration(_ name: String) throws -> Int64? {
            guard let text = flags[name] else { return nil }
            guard let value = GoDuration.nanoseconds(text) else { throw StepError("--\(name)=\(text) is not a duration such as 30s") }
            return value
        }
        check.interval = try duration("interval")
        check.timeout = try duration("timeout")
        check.startPeriod = try duration("start-period")
        check.startInterval = try duration("start-interval")
        if let retries = flags["retries"] {
            guard let value = Int(retries) else { throw StepError("--retries=\(retries) is not a number") }
            check.retries = value
        }
        return check
    }

    /// COPY's source: the build context, an earlier stage (by name or index) or an image.
    private func sourceTree(_ from: String?, _ words: WordExpander) async throws -> LayeredTree {
        guard let from else { return context }
        let name = try words.word(from).lowercased()
        if let index = file.stages.prefix(built.count).firstIndex(where: { $0.name == name }) ?? Int(name).flatMap({ $0 < built.count ? $0 : nil }) {
            return built[index].tree(store)
        }
        let image = try await builder.baseImage(name)
        return BuildState(image: image.config, layers: try store.layers(of: image)).tree(store)
    }
}

/// A step's failure; `BuildRun` adds the Dockerfile, line and instruction.
struct StepError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension WordExpander.Failure: CustomStringConvertible {
    var description: String {
        switch self {
        case .unterminatedQuote: "unterminated quote"
        case .badSubstitution(let text): "bad substitution \(text)"
        }
    }
}
