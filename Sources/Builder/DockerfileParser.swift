import FoundationEssentials

/// Dockerfile text → `Dockerfile`: directives, comments, line continuations, flags, JSON vs shell form.
public enum DockerfileParser {
    static let known: Set<String> = [
        "FROM", "RUN", "COPY", "ADD", "WORKDIR", "ENV", "ARG", "CMD", "ENTRYPOINT", "EXPOSE", "USER", "LABEL",
        "VOLUME", "STOPSIGNAL", "SHELL", "HEALTHCHECK", "MAINTAINER",
    ]
    /// Instructions whose arguments may be a JSON array.
    static let execForm: Set<String> = ["RUN", "CMD", "ENTRYPOINT", "SHELL", "VOLUME", "COPY", "ADD", "HEALTHCHECK"]
    static let flagged: Set<String> = ["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"]

    public static func parse(_ text: String, path: String) throws(DockerfileError) -> Dockerfile {
        let (escape, parsed) = try instructions(text, path: path)
        var file = Dockerfile(path: path, escape: escape)
        for instruction in parsed {
            func fail(_ message: String) -> DockerfileError {
                DockerfileError(path: path, line: instruction.line, instruction: instruction.keyword, message: message)
            }
            switch instruction.keyword {
            case "FROM":
                guard case .shell(let raw) = instruction.arguments else { throw fail("expects an image, not JSON") }
                let words = raw.split(whereSeparator: \.isWhitespace).map(String.init)
                guard words.count == 1 || (words.count == 3 && words[1].uppercased() == "AS") else {
                    throw fail("expects `FROM image [AS name]`, got \"\(raw)\"")
                }
                file.stages.append(Dockerfile.Stage(from: instruction, name: words.count == 3 ? words[2].lowercased() : nil))
            case "ARG" where file.stages.isEmpty:
                file.globalArgs.append(instruction)
            default:
                guard !file.stages.isEmpty else { throw fail("comes before the first FROM (only ARG may)") }
                file.stages[file.stages.count - 1].instructions.append(instruction)
            }
        }
        guard !file.stages.isEmpty else {
            throw DockerfileError(path: path, line: 0, instruction: "", message: "no FROM instruction: nothing to build")
        }
        return file
    }

    /// Logical lines (continuations joined, comments dropped) parsed into instructions, in order.
    static func instructions(_ text: String, path: String) throws(DockerfileError) -> (Character, [Instruction]) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        var escape: Character = "\\"
        var index = 0
        // Parser directives: `# key=value` lines at the very top.
        while index < lines.count, let directive = directive(lines[index]) {
            if directive.key == "escape" {
                guard directive.value == "\\" || directive.value == "`" else {
                    throw DockerfileError(path: path, line: index + 1, instruction: "", message: "invalid escape directive \"\(directive.value)\": use \\ or `")
                }
                escape = directive.value.first!
            }
            index += 1
        }
        var result: [Instruction] = []
        while index < lines.count {
            let start = index
            var logical = ""
            var physical = lines[index]
            index += 1
            let trimmedStart = physical.drop { $0.isWhitespace }
            if trimmedStart.isEmpty || trimmedStart.hasPrefix("#") { continue }
            while true {
                let trimmed = physical.reversed().drop { $0.isWhitespace }.reversed()
                if trimmed.last == escape {
                    logical += String(trimmed.dropLast())
                    // Comment and empty lines inside a continuation are skipped, as docker does.
                    while index < lines.count {
                        let next = lines[index].drop { $0.isWhitespace }
                        guard next.isEmpty || next.hasPrefix("#") else { break }
                        index += 1
                    }
                    guard index < lines.count else { break }
                    physical = lines[index]
                    index += 1
                } else {
                    logical += physical
                    break
                }
            }
            result.append(try instruction(logical.trimmedWhitespace, line: start + 1, path: path))
        }
        return (escape, result)
    }

    private static func directive(_ line: String) -> (key: String, value: String)? {
        guard line.hasPrefix("#") else { return nil }
        let body = line.dropFirst().trimmedWhitespace
        guard let equals = body.firstIndex(of: "=") else { return nil }
        let key = body[..<equals].trimmedWhitespace.lowercased()
        guard key == "escape" || key == "syntax" || key == "check" else { return nil }
        return (key, body[body.index(after: equals)...].trimmedWhitespace)
    }

    private static func instruction(_ logical: String, line: Int, path: String) throws(DockerfileError) -> Instruction {
        let keywordEnd = logical.firstIndex(where: \.isWhitespace) ?? logical.endIndex
        let keyword = logical[..<keywordEnd].uppercased()
        var rest = Substring(logical[keywordEnd...]).drop { $0.isWhitespace }
        guard known.contains(keyword) else {
            let message = keyword == "ONBUILD" ? "is not supported" : "unknown instruction"
            throw DockerfileError(path: path, line: line, instruction: keyword, message: message)
        }
        var flags: [String: String] = [:]
        if flagged.contains(keyword) {
            while rest.hasPrefix("--") {
                let end = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
                let flag = rest[rest.index(rest.startIndex, offsetBy: 2)..<end]
                let parts = flag.split(separator: "=", maxSplits: 1)
                flags[String(parts[0]).lowercased()] = parts.count > 1 ? String(parts[1]) : "true"
                rest = rest[end...].drop { $0.isWhitespace }
            }
        }
        let raw = String(rest)
        var arguments = Arguments.shell(raw)
        if execForm.contains(keyword), raw.hasPrefix("["), let array = jsonStrings(raw) { arguments = .exec(array) }
        if keyword == "SHELL", case .shell = arguments {
            throw DockerfileError(path: path, line: line, instruction: keyword, message: "expects a JSON array such as [\"/bin/sh\", \"-c\"]")
        }
        if raw.isEmpty {
            throw DockerfileError(path: path, line: line, instruction: keyword, message: "needs at least one argument")
        }
        return Instruction(line: line, keyword: keyword, flags: flags, arguments: arguments, text: "\(keyword) \(logical[keywordEnd...].drop { $0.isWhitespace })")
    }

    /// A JSON array of strings, or nil (then the text is shell form, as docker falls back).
    static func jsonStrings(_ text: String) -> [String]? {
        try? JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}

extension StringProtocol {
    var trimmedWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
