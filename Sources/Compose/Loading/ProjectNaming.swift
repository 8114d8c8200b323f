import YAML

/// The project name by compose's precedence: `-p`, `COMPOSE_PROJECT_NAME`, the last top-level `name:`,
/// then the project directory's base name. Explicit names must already be valid; the others are normalised.
enum ProjectNaming {
    static func name(option: String?, environment: [String: String], documents: [Node], interpolate: Bool,
                     projectDirectory: String) throws -> String {
        if let option, !option.isEmpty { return try validated(option, source: "-p") }
        if let fromEnvironment = environment["COMPOSE_PROJECT_NAME"], !fromEnvironment.isEmpty {
            return try validated(fromEnvironment, source: "COMPOSE_PROJECT_NAME")
        }
        if let written = documents.reversed().compactMap({ $0["name"] }).first(where: { !($0.scalar ?? "").isEmpty }) {
            var text = written.scalar ?? ""
            if interpolate {
                do {
                    text = try Template(lookup: { environment[$0] }).substitute(text)
                } catch {
                    throw ComposeError(written, "name", error.message)
                }
            }
            let normalised = normalise(text)
            if !normalised.isEmpty { return normalised }
        }
        let fromDirectory = normalise(PathText.baseName(projectDirectory))
        guard !fromDirectory.isEmpty else { throw LoadError.emptyProjectName(directory: projectDirectory) }
        return fromDirectory
    }

    /// Lowercase, keep `[a-z0-9_-]`, and drop leading `_`/`-` so the name starts with a letter or digit.
    static func normalise(_ text: String) -> String {
        let kept = text.lowercased().unicodeScalars.filter { scalar in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
        }
        return String(String.UnicodeScalarView(kept).drop(while: { $0 == "_" || $0 == "-" }))
    }

    private static func validated(_ name: String, source: String) throws(LoadError) -> String {
        guard normalise(name) == name else { throw .invalidProjectName(name: name, source: source) }
        return name
    }
}
