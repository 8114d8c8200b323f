import Archive
import Glibc
import Linux

/// Talks the OCI Distribution API to one repository: bearer-token and basic challenges, redirects to blob
/// storage, retries on transient failures. Plain HTTP only for loopback registries or ones marked insecure.
final class RegistryClient: @unchecked Sendable {
    let reference: ImageReference
    private let base: HTTPURL
    private let http: HTTPClient
    private let credentials: RegistryCredentials?
    private let lock = Mutex()
    private var authorization: String?
    private let attempts = 3

    init(reference: ImageReference, options: PullOptions) {
        self.reference = reference
        let host = reference.registryHost
        let hostName = host.split(separator: ":").first.map(String.init) ?? host
        let insecure = ["localhost", "127.0.0.1", "::1"].contains(hostName) || options.insecureRegistries.contains(host)
        let port = host.split(separator: ":").dropFirst().first.flatMap { UInt16($0) }
        base = HTTPURL(secure: !insecure, host: hostName, port: port, target: "/")
        http = HTTPClient(timeout: options.timeout, environment: options.environment)
        credentials = options.credentials ?? RegistryCredentials.fromDockerConfig(host: host, environment: options.environment)
    }

    private func url(_ path: String) -> HTTPURL {
        var url = base
        url.target = "/v2/\(reference.path)/\(path)"
        return url
    }

    /// GET manifests/<ref>: body, media type and digest (verified when the reference pins one).
    func manifest(_ ref: String) throws(ImageError) -> (bytes: [UInt8], mediaType: String, digest: String) {
        let accept = [MediaType.ociIndex, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.dockerManifest].joined(separator: ", ")
        let response = try send("GET", url("manifests/\(ref)"), headers: [("Accept", accept)])
        defer { response.close() }
        try expectSuccess(response, what: "manifest \(ref)")
        let bytes: [UInt8]
        do { bytes = try response.body() } catch { throw wrap(error, what: "manifest \(ref)") }
        let digest = "sha256:" + SHA256.hex(of: bytes)
        if ref.hasPrefix("sha256:"), ref != digest {
            throw .digestMismatch(what: "\(reference) manifest", expected: ref, actual: digest)
        }
        var mediaType = response.header("content-type")?.split(separator: ";").first.map { String($0).trimmingSpaces } ?? ""
        if let embedded = try? JSON.decode(MediaTypeProbe.self, from: bytes, what: "").mediaType { mediaType = embedded }
        return (bytes, mediaType, digest)
    }

    /// Opens blobs/<digest>, following redirects; the caller streams and closes the response.
    func blob(_ digest: String) throws(ImageError) -> HTTPResponse {
        let response = try send("GET", url("blobs/\(digest)"), headers: [])
        do { try expectSuccess(response, what: "blob \(digest)") } catch {
            response.close()
            throw error
        }
        return response
    }

    func hasBlob(_ digest: String) throws(ImageError) -> Bool {
        let response = try send("HEAD", url("blobs/\(digest)"), headers: [])
        response.close()
        return response.status == 200
    }

    /// Monolithic upload: POST for a session, then PUT the bytes with the digest.
    func upload(_ bytes: [UInt8], digest: String) throws(ImageError) {
        if try hasBlob(digest) { return }
        let start = try send("POST", url("blobs/uploads/"), headers: [], body: [])
        start.close()
        guard start.status == 202, let location = start.header("location") else {
            throw .registry(image: reference.description, status: start.status, message: "cannot start blob upload")
        }
        var target = try HTTPURL(parsing: location, relativeTo: base)
        target.target += (target.target.contains("?") ? "&" : "?") + "digest=" + digest.replacingColon
        let put = try send("PUT", target, headers: [("Content-Type", "application/octet-stream")], body: bytes)
        put.close()
        guard put.status == 201 else { throw .registry(image: reference.description, status: put.status, message: "blob upload refused") }
    }

    func putManifest(_ bytes: [UInt8], mediaType: String, tag: String) throws(ImageError) {
        let response = try send("PUT", url("manifests/\(tag)"), headers: [("Content-Type", mediaType)], body: bytes)
        defer { response.close() }
        try expectSuccess(response, what: "manifest \(tag)")
    }

    private func expectSuccess(_ response: HTTPResponse, what: String) throws(ImageError) {
        guard (200..<300).contains(response.status) else {
            let detail = (try? response.body(limit: 65536)).map { String(decoding: $0.prefix(300), as: UTF8.self) } ?? ""
            if response.status == 401 || response.status == 403 {
                throw .unauthorized(registry: reference.domain, reason: "\(reference) \(what): \(response.status) \(detail)")
            }
            if response.status == 404 { throw .notFound("\(reference) (\(what))") }
            throw .registry(image: reference.description, status: response.status, message: "for \(what) \(detail)")
        }
    }

    /// Sends with authentication, redirects and retries.
    private func send(_ method: String, _ url: HTTPURL, headers: [(String, String)], body: [UInt8] = []) throws(ImageError) -> HTTPResponse {
        var lastError: ImageError = .network(host: url.authority, reason: "no attempt made")
        for attempt in 0..<attempts {
            if attempt > 0 { usleep(UInt32(200_000 << (attempt - 1))) }
            do {
                var response = try authorized(method, url, headers: headers, body: body)
                var current = url
                var hops = 0
                // Blob GETs redirect to storage; credentials are not forwarded to another host.
                while [301, 302, 303, 307, 308].contains(response.status), let location = response.header("location"), hops < 5 {
                    response.close()
                    let next = try HTTPURL(parsing: location, relativeTo: current)
                    let keepAuth = next.host == current.host && next.port == current.port
                    var request = HTTPRequest(method: method == "HEAD" ? "HEAD" : "GET", url: next, headers: headers)
                    if keepAuth, let authorization = lock.withLock({ self.authorization }) { request.headers.append(("Authorization", authorization)) }
                    response = try http.send(request)
                    current = next
                    hops += 1
                }
                if response.status >= 500 || response.status == 429 {
                    lastError = .registry(image: reference.description, status: response.status, message: "server error")
                    response.close()
                    continue
                }
                return response
            } catch {
                lastError = error
                switch error {
                case .network, .timeout: continue
                default: throw error
                }
            }
        }
        throw lastError
    }

    private func authorized(_ method: String, _ url: HTTPURL, headers: [(String, String)], body: [UInt8]) throws(ImageError) -> HTTPResponse {
        var request = HTTPRequest(method: method, url: url, headers: headers, body: body)
        if let authorization = lock.withLock({ self.authorization }) { request.headers.append(("Authorization", authorization)) }
        let response = try http.send(request)
        guard response.status == 401, let challenge = response.header("www-authenticate") else { return response }
        response.close()
        let header = try answer(challenge)
        lock.withLock { self.authorization = header }
        request.headers.removeAll { $0.0 == "Authorization" }
        request.headers.append(("Authorization", header))
        return try http.send(request)
    }

    /// Turns a WWW-Authenticate challenge into an Authorization header value.
    private func answer(_ challenge: String) throws(ImageError) -> String {
        let scheme = challenge.prefix(while: { $0 != " " }).lowercased()
        let parameters = Self.challengeParameters(String(challenge.drop(while: { $0 != " " })))
        if scheme == "basic" {
            guard let credentials else { throw .unauthorized(registry: reference.domain, reason: "the registry needs credentials (docker login)") }
            return "Basic " + Base64.encode("\(credentials.username):\(credentials.password)")
        }
        guard scheme == "bearer", let realm = parameters["realm"] else {
            throw .unauthorized(registry: reference.domain, reason: "unsupported challenge \(challenge)")
        }
        var query: [String] = []
        if let service = parameters["service"] { query.append("service=" + service.percentEncoded) }
        query.append("scope=" + (parameters["scope"] ?? "repository:\(reference.path):pull").percentEncoded)
        var tokenURL = try HTTPURL(parsing: realm)
        tokenURL.target += (tokenURL.target.contains("?") ? "&" : "?") + query.joined(separator: "&")
        var request = HTTPRequest(method: "GET", url: tokenURL)
        if let credentials { request.headers.append(("Authorization", "Basic " + Base64.encode("\(credentials.username):\(credentials.password)"))) }
        let response = try http.send(request)
        defer { response.close() }
        guard response.status == 200 else {
            throw .unauthorized(registry: reference.domain, reason: "token service answered \(response.status)")
        }
        let bytes: [UInt8]
        do { bytes = try response.body(limit: 1 << 20) } catch { throw wrap(error, what: "token") }
        let token = try JSON.decode(TokenResponse.self, from: bytes, what: "token response")
        guard let value = token.token ?? token.accessToken else {
            throw .unauthorized(registry: reference.domain, reason: "token service returned no token")
        }
        return "Bearer " + value
    }

    static func challengeParameters(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(text)
        while true {
            rest = rest.drop(while: { $0 == " " || $0 == "," })
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                let end = rest.firstIndex(of: "\"") ?? rest.endIndex
                value = String(rest[..<end])
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : ""
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            result[key] = value
        }
        return result
    }

    private func wrap(_ error: any Error, what: String) -> ImageError {
        if let error = error as? ImageError { return error }
        if let error = error as? ArchiveError { return .archive(what: "\(reference) \(what)", error) }
        return .network(host: reference.domain, reason: "\(error)")
    }

    private struct TokenResponse: Decodable {
        var token: String?
        var accessToken: String?
        enum CodingKeys: String, CodingKey {
            case token
            case accessToken = "access_token"
        }
    }

    private struct MediaTypeProbe: Decodable { var mediaType: String? }
}

/// pthread mutex: the client's token is shared by the parallel layer downloads.
final class Mutex: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}

extension String {
    var percentEncoded: String {
        var out = ""
        for byte in utf8 {
            let ch = Character(Unicode.Scalar(byte))
            if ch.isLetter && byte < 128 || ch.isNumber && byte < 128 || "-_.~".contains(ch) { out.append(ch) }
            else { out += "%" + String(byte, radix: 16, uppercase: true).leftPadded }
        }
        return out
    }
    var replacingColon: String { replacingOccurrencesOfColon() }
    private func replacingOccurrencesOfColon() -> String { split(separator: ":", omittingEmptySubsequences: false).joined(separator: "%3A") }
    fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}
