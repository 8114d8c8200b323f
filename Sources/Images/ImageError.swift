import Archive
import Linux

/// Why an image operation failed. Messages name the image and the cause.
public enum ImageError: Error, Sendable, CustomStringConvertible {
    case invalidReference(String, reason: String)
    case notFound(String)
    case inUse(image: String, container: String)
    case digestMismatch(what: String, expected: String, actual: String)
    case sizeMismatch(what: String, expected: Int64, actual: Int64)
    case unsupportedMediaType(image: String, mediaType: String)
    case noMatchingPlatform(image: String, platform: String, available: [String])
    case invalidFormat(what: String, reason: String)
    case unauthorized(registry: String, reason: String)
    case registry(image: String, status: Int, message: String)
    case network(host: String, reason: String)
    case timeout(host: String)
    case archive(what: String, ArchiveError)
    case system(what: String, Errno)

    public var description: String {
        switch self {
        case .invalidReference(let ref, let reason): return "invalid image reference \"\(ref)\": \(reason)"
        case .notFound(let ref): return "no such image: \(ref)"
        case .inUse(let image, let container): return "cannot remove image \(image): it is used by container \(container)"
        case .digestMismatch(let what, let expected, let actual):
            return "\(what): content digest \(actual) does not match the expected \(expected)"
        case .sizeMismatch(let what, let expected, let actual):
            return "\(what): got \(actual) bytes, expected \(expected)"
        case .unsupportedMediaType(let image, let type): return "\(image): unsupported media type \(type)"
        case .noMatchingPlatform(let image, let platform, let available):
            return "\(image): no image for platform \(platform) (available: \(available.joined(separator: ", ")))"
        case .invalidFormat(let what, let reason): return "\(what): \(reason)"
        case .unauthorized(let registry, let reason): return "authentication to \(registry) failed: \(reason)"
        case .registry(let image, let status, let message): return "\(image): registry answered \(status) \(message)"
        case .network(let host, let reason): return "cannot reach \(host): \(reason)"
        case .timeout(let host): return "\(host) did not answer in time"
        case .archive(let what, let error): return "\(what): \(error)"
        case .system(let what, let error): return "\(what): \(error)"
        }
    }
}
