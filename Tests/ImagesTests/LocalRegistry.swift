import Glibc
import Images
import Testing
import Linux

/// Debian's `docker-registry` (the distribution registry) on 127.0.0.1, with storage and config in a test
/// directory; stopped by PID. `nil` when the package is not installed.
final class LocalRegistry {
    let pid: pid_t
    let port: UInt16
    let directory: String
    let address: String
    var host: String { "\(address):\(port)" }

    static let binary = "/usr/bin/docker-registry"
    static var isAvailable: Bool { FileSystem.exists(binary) }

    /// `tls`: certificate and key files; the registry then serves HTTPS only. `address` must then be a loopback
    /// address swcompose does not treat as insecure (127.0.0.2) for the TLS path to be taken.
    init(directory: String, htpasswd: String? = nil, address: String = "127.0.0.1", tls: (certificate: String, key: String)? = nil) throws {
        self.directory = directory
        self.address = address
        try FileSystem.createDirectory(directory + "/data")
        var lastError: Error = Errno(EADDRINUSE, call: "start registry")
        for _ in 0..<5 {
            let port = UInt16.random(in: 20000...45000)
            var config = """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(directory)/data
            http:
              addr: \(address):\(port)

            """
            if let tls { config += "  tls:\n    certificate: \(tls.certificate)\n    key: \(tls.key)\n" }
            if let htpasswd {
                try FileSystem.writeAtomically(directory + "/htpasswd", htpasswd)
                config += "auth:\n  htpasswd:\n    realm: swc-test\n    path: \(directory)/htpasswd\n"
            }
            try FileSystem.writeAtomically(directory + "/config.yml", config)
            let pid = try Self.spawn([Self.binary, "serve", directory + "/config.yml"], log: directory + "/registry.log")
            if Self.waitUntilListening(address: address, port: port, pid: pid) {
                self.pid = pid
                self.port = port
                return
            }
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            lastError = Errno(EADDRINUSE, call: "start registry", subject: (try? FileSystem.readString(directory + "/registry.log")) ?? "")
        }
        throw lastError
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    static func spawn(_ args: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer { env.forEach { free($0) } }
        let result = posix_spawn(&pid, args[0], &actions, nil, argv, env)
        guard result == 0 else { throw Errno(result, call: "posix_spawn", subject: args[0]) }
        return pid
    }

    static func waitUntilListening(address: String, port: UInt16, pid: pid_t) -> Bool {
        for _ in 0..<100 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return false }
            if let fd = try? TCPSocket.connect(host: address, port: port, timeout: 0.2) {
                fd.closeQuietly()
                return true
            }
            usleep(50_000)
        }
        return false
    }

    /// A registry that wants user `swc`, password `s3cret`; nil (with an issue recorded) without htpasswd.
    static func withBasicAuth(in temp: TestRoot) throws -> (registry: LocalRegistry, credentials: RegistryCredentials)? {
        guard let line = try htpasswdLine(user: "swc", password: "s3cret", log: temp.path + "/htpasswd") else {
            Issue.record("htpasswd is missing (apt-get install apache2-utils)")
            return nil
        }
        let registry = try LocalRegistry(directory: temp.path + "/registry", htpasswd: line + "\n")
        return (registry, RegistryCredentials(username: "swc", password: "s3cret"))
    }

    /// `htpasswd -Bbn user password`: the registry accepts bcrypt entries only.
    static func htpasswdLine(user: String, password: String, log: String) throws -> String? {
        guard FileSystem.exists("/usr/bin/htpasswd") else { return nil }
        let output = log + ".htpasswd"
        let pid = try spawn(["/usr/bin/htpasswd", "-Bbn", user, password], log: output)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return try FileSystem.readString(output).split(separator: "\n").first.map(String.init)
    }
}

/// A loopback listener that accepts connections and never answers: a hung registry.
final class SilentListener {
    let fd: FileDescriptor
    let port: UInt16

    init() throws {
        let raw = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let fd = FileDescriptor(rawValue: try check(raw, "socket"))
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        try withUnsafePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = try check(bind(fd.rawValue, $0, socklen_t(MemoryLayout<sockaddr_in>.size)), "bind")
            }
        }
        try check(listen(fd.rawValue, 16), "listen")
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd.rawValue, $0, &length) }
        }
        port = UInt16(bigEndian: bound.sin_port)
    }

    func close() { fd.closeQuietly() }
}
