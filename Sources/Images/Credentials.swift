import Linux

/// A user name and password (or token) for one registry.
public struct RegistryCredentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Looks `host` up in `$HOME/.docker/config.json` `auths` (docker's key spellings included).
    public static func fromDockerConfig(host: String, environment: [String: String]) -> RegistryCredentials? {
        guard let home = environment["HOME"], let bytes = try? FileSystem.readFile(home + "/.docker/config.json"),
            let file = try? JSON.decode(DockerConfigFile.self, from: bytes, what: "docker config")
        else { return nil }
        let keys = host == "registry-1.docker.io" || host == "docker.io"
            ? ["https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io"]
            : [host, "https://" + host, "http://" + host, "https://" + host + "/v2/"]
        for key in keys {
            guard let entry = file.auths?[key] else { continue }
            if let user = entry.username, let password = entry.password { return RegistryCredentials(username: user, password: password) }
            if let auth = entry.auth, let decoded = Base64.decode(auth), let colon = decoded.firstIndex(of: ":") {
                return RegistryCredentials(username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
            }
        }
        return nil
    }

    private struct DockerConfigFile: Decodable {
        var auths: [String: Entry]?
        struct Entry: Decodable {
            var auth: String?
            var username: String?
            var password: String?
        }
    }
}
