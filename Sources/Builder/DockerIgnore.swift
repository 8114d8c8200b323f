import Glibc

/// `.dockerignore`: patterns relative to the context, `!` re-includes, the last match wins; an excluded
/// directory excludes what is under it.
struct DockerIgnore: Sendable {
    let patterns: [(pattern: String, exclude: Bool)]

    init(_ text: String) {
        patterns = text.split(separator: "\n").compactMap { raw in
            var line = raw.trimmedWhitespace
            guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
            let exclude = !line.hasPrefix("!")
            if !exclude { line = String(line.dropFirst()).trimmedWhitespace }
            line = Self.clean(line)
            return line.isEmpty ? nil : (line, exclude)
        }
    }

    func excludes(_ path: String) -> Bool {
        var excluded = false
        for (pattern, exclude) in patterns where Self.matches(pattern, path) { excluded = exclude }
        return excluded
    }

    /// `pattern` matches the path or one of its parent directories.
    private static func matches(_ pattern: String, _ path: String) -> Bool {
        // `**` crosses directories: match it without FNM_PATHNAME.
        let flags: Int32 = pattern.contains("**") ? 0 : FNM_PATHNAME
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix = prefix.isEmpty ? String(component) : prefix + "/" + component
            if fnmatch(pattern, prefix, flags) == 0 { return true }
        }
        return false
    }

    private static func clean(_ pattern: String) -> String {
        pattern.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
    }
}
