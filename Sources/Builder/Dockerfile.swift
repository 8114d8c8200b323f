/// A parsed Dockerfile: build stages in order, and the ARGs declared before the first FROM.
/// Values keep their `$VAR` references; the builder expands them against the build state of each step.
public struct Dockerfile: Sendable, Equatable {
    public var path: String
    /// The `# escape=` directive: a backslash (default) or a backtick.
    public var escape: Character = "\\"
    public var globalArgs: [Instruction] = []
    public var stages: [Stage] = []

    public struct Stage: Sendable, Equatable {
        public var from: Instruction
        public var instructions: [Instruction] = []
        /// `FROM image AS name`, lowercased as docker compares it.
        public var name: String?
    }
}

/// One instruction with its source line (of the first physical line) for error messages.
public struct Instruction: Sendable, Equatable {
    public var line: Int
    public var keyword: String
    /// `--name=value` flags before the arguments (`COPY --from=build`, `HEALTHCHECK --interval=5s`).
    public var flags: [String: String]
    public var arguments: Arguments
    /// The line as written, continuations joined: history entries and progress show it.
    public var text: String
}

public enum Arguments: Sendable, Equatable {
    /// Shell form: raw text, quotes and variables still in it.
    case shell(String)
    /// JSON (exec) form.
    case exec([String])
}

/// Why a Dockerfile cannot be parsed or built; every case names the file and line.
public struct DockerfileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var instruction: String
    public var message: String

    public init(path: String, line: Int, instruction: String, message: String) {
        self.path = path
        self.line = line
        self.instruction = instruction
        self.message = message
    }

    /// `path:line: INSTRUCTION: message`; the line is left out for errors about the whole file (line 0).
    public var description: String {
        let place = line > 0 ? "\(path):\(line)" : path
        return instruction.isEmpty ? "\(place): \(message)" : "\(place): \(instruction): \(message)"
    }
}
