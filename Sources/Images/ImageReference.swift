/// A normalised image reference, following docker's rules: `busybox` → `docker.io/library/busybox:latest`,
/// `localhost:5000/x` keeps its registry, `name@sha256:…` pins a digest.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// Registry host with optional port ("docker.io", "localhost:5000").
    public let domain: String
    /// Repository path within the registry ("library/busybox").
    public let path: String
    public let tag: String?
    public let digest: String?

    public init(parsing text: String) throws(ImageError) {
        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            _ = try Digest.validate(digest!)
            rest = rest[..<at]
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { throw .invalidReference(text, reason: "missing repository name") }
        var domain = "docker.io"
        var path = String(rest)
        if let slash = rest.firstIndex(of: "/") {
            let first = rest[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" || first.contains(where: \.isUppercase) {
                domain = String(first)
                path = String(rest[rest.index(after: slash)...])
            }
        }
        if domain == "index.docker.io" { domain = "docker.io" }
        if domain == "docker.io" && !path.contains("/") { path = "library/" + path }
        guard !path.isEmpty, path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(Self.isComponent) else {
            throw .invalidReference(text, reason: "repository names use lowercase letters, digits and . _ - separated by /")
        }
        if let tag {
            let allowed = tag.utf8.allSatisfy { Self.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
            guard allowed, (1...128).contains(tag.utf8.count), tag.first != ".", tag.first != "-" else {
                throw .invalidReference(text, reason: "invalid tag \"\(tag)\"")
            }
        }
        self.domain = domain
        self.path = path
        self.tag = tag ?? (digest == nil ? "latest" : nil)
        self.digest = digest
    }

    /// "docker.io/library/busybox".
    public var name: String { "\(domain)/\(path)" }

    /// The fully qualified form used as a key in the store.
    public var description: String {
        var text = name
        if let tag { text += ":" + tag }
        if let digest { text += "@" + digest }
        return text
    }

    /// Where the registry API lives: Docker Hub's API host differs from its name.
    public var registryHost: String { domain == "docker.io" ? "registry-1.docker.io" : domain }

    /// Tag or digest, as the manifest endpoint wants it.
    public var manifestReference: String { digest ?? tag ?? "latest" }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isComponent(_ component: Substring) -> Bool {
        guard let first = component.utf8.first, let last = component.utf8.last else { return false }
        let lowerAlnum: (UInt8) -> Bool = { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard lowerAlnum(first), lowerAlnum(last) else { return false }
        return component.utf8.allSatisfy { lowerAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }
}
