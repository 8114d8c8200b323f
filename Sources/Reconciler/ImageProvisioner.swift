import Images
import Linux

/// Makes a service's image present as its `pull_policy` says, before any container of it is created.
public struct ImageProvisioner: Sendable {
    public enum Policy: String, Sendable {
        case always, missing, never, build
        case ifNotPresent = "if_not_present"
        /// `daily`, `weekly`, `every_<duration>`: treated as `missing` (no refresh schedule is kept).
        case periodic

        public init(_ text: String?) {
            guard let text else { self = .missing; return }
            self = Policy(rawValue: text) ?? (text == "daily" || text == "weekly" || text.hasPrefix("every_") ? .periodic : .missing)
        }
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case missingWithNeverPolicy(service: String, image: String)
        case buildUnsupported(service: String)
        case noImage(service: String)

        public var description: String {
            switch self {
            case .missingWithNeverPolicy(let service, let image):
                return "service \(service): image \(image) is not present and pull_policy is never: load or import it first"
            case .buildUnsupported(let service):
                return "service \(service) has a build section but this command does not build images: run `swcompose build \(service)` first"
            case .noImage(let service):
                return "service \(service) has neither an image nor a build section"
            }
        }
    }

    public let store: ImageStore
    public let environment: [String: String]
    public let progress: @Sendable (String, PullProgress) -> Void
    /// Builds images of services with a `build:` section; without it they are refused.
    public let builder: ServiceBuilder?

    public init(store: ImageStore, environment: [String: String], builder: ServiceBuilder? = nil,
                progress: @escaping @Sendable (String, PullProgress) -> Void = { _, _ in }) {
        self.store = store
        self.environment = environment
        self.builder = builder
        self.progress = progress
    }

    /// The image for `service`, pulled when the policy (or `forcePull`) asks for it.
    public func ensure(service: String, image: String?, policy: Policy, platform: String?, hasBuild: Bool,
                       forcePull: Bool = false) async throws -> ImageRecord {
        if hasBuild, let builder, let declared = builder.project.service(named: service) {
            return try await builder.ensure(declared, rebuild: policy == .build)
        }
        guard let image else { throw hasBuild ? Failure.buildUnsupported(service: service) : Failure.noImage(service: service) }
        let present = try? store.inspect(image)
        switch policy {
        case .never:
            guard let present else { throw Failure.missingWithNeverPolicy(service: service, image: image) }
            return present
        case .build:
            if let present, !forcePull { return present }
            throw Failure.buildUnsupported(service: service)
        case .always:
            return try await pull(image, platform: platform)
        case .missing, .ifNotPresent, .periodic:
            if let present, !forcePull { return present }
            return try await pull(image, platform: platform)
        }
    }

    public func pull(_ image: String, platform: String?) async throws -> ImageRecord {
        let report = progress
        let options = PullOptions(platform: platform, environment: environment, progress: { report(image, $0) })
        return try await store.pull(image, options: options)
    }
}
