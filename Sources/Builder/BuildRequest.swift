import Images
import Linux

/// What to build: compose's `build:` section, or `swcompose build`'s flags, resolved to absolute paths.
public struct BuildRequest: Sendable {
    /// Absolute path of the build context directory.
    public var context: String
    /// The Dockerfile's path, relative to the context unless absolute; "Dockerfile" when nil.
    public var dockerfile: String?
    /// `dockerfile_inline`: the Dockerfile's text, which then wins over `dockerfile`.
    public var dockerfileInline: String?
    /// `--build-arg` and compose `args`; a nil value takes it from `environment`.
    public var args: [String: String?] = [:]
    public var target: String?
    public var labels: [String: String] = [:]
    /// References the result is tagged with.
    public var tags: [String] = []
    /// Variables that `args` without a value are taken from.
    public var environment: [String: String] = [:]

    public init(context: String, dockerfile: String? = nil) {
        self.context = context
        self.dockerfile = dockerfile
    }

    /// Where errors say the Dockerfile is.
    var dockerfilePath: String {
        if dockerfileInline != nil { return "<inline Dockerfile>" }
        let name = dockerfile ?? "Dockerfile"
        return name.hasPrefix("/") ? name : context + "/" + name
    }

    /// Build args with their values, unset ones dropped.
    var resolvedArgs: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in args {
            if let value = value ?? environment[key] { result[key] = value }
        }
        return result
    }
}
