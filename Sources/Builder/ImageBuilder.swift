import Glibc
import Images
import Linux

/// Builds an image from a Dockerfile into the image store. RUN steps run as containers through the binary's
/// `__run` mode (the CLI never forks); RUN, COPY, ADD and a new WORKDIR each become a layer.
public struct ImageBuilder: Sendable {
    public let store: ImageStore
    /// The swcompose binary that runs RUN steps: `/proc/self/exe` in the CLI.
    public let executable: String
    /// Step lines and RUN output go here; nil for `--quiet`.
    public let output: FileDescriptor?
    /// Finds (or pulls) a FROM image that no earlier stage names.
    public let baseImage: @Sendable (String) async throws -> ImageRecord
    /// `--no-cache` turns this off: every RUN runs again (its result still refreshes the cache).
    public let useCache: Bool

    public init(store: ImageStore, executable: String = "/proc/self/exe", output: FileDescriptor?, useCache: Bool = true,
                baseImage: @escaping @Sendable (String) async throws -> ImageRecord) {
        self.store = store
        self.executable = executable
        self.output = output
        self.useCache = useCache
        self.baseImage = baseImage
    }

    /// Builds `request` and tags the result with its tags. `name` prefixes progress lines (a service name).
    public func build(_ request: BuildRequest, name: String? = nil) async throws -> ImageRecord {
        let path = request.dockerfilePath
        let text: String
        if let inline = request.dockerfileInline {
            text = inline
        } else {
            do { text = try FileSystem.readString(path) } catch {
                throw DockerfileError(path: path, line: 0, instruction: "", message: "cannot read the Dockerfile: \(error)")
            }
        }
        let file = try DockerfileParser.parse(text, path: path)
        var last = file.stages.count - 1
        if let target = request.target {
            guard let index = file.stages.firstIndex(where: { $0.name == target.lowercased() }) else {
                throw DockerfileError(path: path, line: 0, instruction: "", message: "target stage \"\(target)\" could not be found")
            }
            last = index
        }
        let pruneGuard = try store.guardAgainstPrune()
        defer { pruneGuard.release() }
        let ignoreText = try? FileSystem.readString(request.context + "/.dockerignore")
        var run = BuildRun(builder: self, file: file, buildArgs: request.resolvedArgs,
                           context: LayeredTree(layers: [request.context], ignore: ignoreText.map(DockerIgnore.init)),
                           label: name.map { $0 + " " } ?? "")
        run.total = file.stages[0...last].reduce(0) { $0 + 1 + $1.instructions.count }
        try run.declareGlobalArgs()
        for stage in file.stages[0...last] {
            run.built.append(try await run.build(stage))
        }
        var final = run.built[last]
        if !request.labels.isEmpty {
            final.config.labels = (final.config.labels ?? [:]).merging(request.labels) { _, new in new }
        }
        // No build time (see `BuildState.record`), and not the base image's either.
        final.image.created = nil
        let image = try store.commit(config: final.image, layers: final.layers, references: request.tags)
        for tag in request.tags { report("naming to \(tag) done") }
        return image
    }

    public func report(_ line: String) {
        try? output?.writeAll(line + "\n")
    }
}
