import Builder
import Compose
import Images
import Linux

/// Builds the images of services with a `build:` section, named as docker compose names them.
public struct ServiceBuilder: Sendable {
    public struct Options: Sendable {
        /// `up --no-build`: never build, a missing image is an error.
        public var noBuild = false
        /// `--pull`: pull FROM images even when present.
        public var pull = false
        /// `--build-arg`, over the compose file's `args`.
        public var args: [String: String] = [:]
        public var quiet = false
        /// `--no-cache`: run every RUN step again.
        public var noCache = false
        public init() {}
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case missingWithNoBuild(service: String, image: String)
        case remoteContext(service: String, context: String)

        public var description: String {
            switch self {
            case .missingWithNoBuild(let service, let image):
                "service \(service): image \(image) is not built yet and --no-build was given"
            case .remoteContext(let service, let context):
                "service \(service): remote build context \(context) is not supported: clone it and point `context` at the directory"
            }
        }
    }

    static let supportedKeys: Set<String> = ["context", "dockerfile", "dockerfile_inline", "args", "target", "labels", "tags"]

    public let project: Project
    public let store: ImageStore
    public let environment: [String: String]
    public let options: Options
    public let executable: String

    public init(project: Project, store: ImageStore, environment: [String: String], options: Options = Options(),
                executable: String = "/proc/self/exe") {
        self.project = project
        self.store = store
        self.environment = environment
        self.options = options
        self.executable = executable
    }

    /// `image:` when given, else `<project>-<service>` as docker compose names it.
    public static func imageName(project: String, service: Service) -> String {
        service.image ?? "\(project)-\(service.name)"
    }

    /// `build:` keys of `services` that are read but not acted on, as `service.build.key`, sorted.
    public func ignoredKeys(services: [String]) -> [String] {
        project.services.filter { services.contains($0.name) }.flatMap { service in
            (service.build?.keys ?? []).filter { !Self.supportedKeys.contains($0) }.map { "build.\($0)" }
        }.reduce(into: Set<String>()) { $0.insert($1) }.sorted()
    }

    /// The service's image: the present one, else (or on `rebuild`, `pull_policy: build`) built.
    func ensure(_ service: Service, rebuild: Bool) async throws -> ImageRecord {
        let name = Self.imageName(project: project.name, service: service)
        if options.noBuild || !rebuild, let present = try? store.inspect(name) { return present }
        guard !options.noBuild else { throw Failure.missingWithNoBuild(service: service.name, image: name) }
        return try await build(service)
    }

    /// Builds the service's image and tags it with its name and `build.tags`.
    public func build(_ service: Service) async throws -> ImageRecord {
        guard let build = service.build else { throw ImageProvisioner.Failure.noImage(service: service.name) }
        guard !build.context.contains("://"), !build.context.hasPrefix("git@") else {
            throw Failure.remoteContext(service: service.name, context: build.context)
        }
        var request = BuildRequest(context: build.context, dockerfile: build.dockerfile)
        request.dockerfileInline = build.dockerfileInline
        request.args = build.args.merging(options.args.mapValues { $0 }) { _, flag in flag }
        request.environment = environment
        request.target = build.target
        request.labels = build.labels
        request.tags = [Self.imageName(project: project.name, service: service)] + build.tags
        let puller = ImageProvisioner(store: store, environment: environment)
        let pull = options.pull
        let builder = ImageBuilder(store: store, executable: executable, output: options.quiet ? nil : .standardError,
                                   useCache: !options.noCache) { reference in
            if !pull, let present = try? puller.store.inspect(reference) { return present }
            return try await puller.pull(reference, platform: service.platform)
        }
        builder.report(" \(service.name) Building")
        let image = try await builder.build(request, name: service.name)
        builder.report(" \(service.name) Built")
        return image
    }
}
