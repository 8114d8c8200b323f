import Archive
import Glibc
import Images
import Linux
import Testing

/// The HTTPS path of the registry client against a real registry on 127.0.0.2 (loopback, but not one of the
/// addresses swcompose talks plain HTTP to), with a test CA made by the `openssl` command.
@Suite(.serialized, .enabled(if: LocalRegistry.isAvailable && FileSystem.exists("/usr/bin/openssl"),
                             "docker-registry or openssl is not installed"))
struct RegistryTLSTests {
    static let openssl = "/usr/bin/openssl"

    /// A CA and a server certificate for `ip` signed by it, in `directory`.
    struct Certificates {
        let ca: String
        let certificate: String
        let key: String

        init(directory: String, ip: String) throws {
            try FileSystem.createDirectory(directory)
            ca = directory + "/ca.pem"
            certificate = directory + "/server.pem"
            key = directory + "/server.key"
            let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            try FileSystem.writeAtomically(directory + "/san.cnf", "subjectAltName=IP:\(ip)\n")
            try Self.openssl(["req", "-x509"] + curve + ["-keyout", directory + "/ca.key", "-out", ca, "-days", "2",
                                                          "-subj", "/CN=swc test CA"], log: directory + "/ca.log")
            try Self.openssl(["req"] + curve + ["-keyout", key, "-out", directory + "/server.csr", "-subj", "/CN=\(ip)"],
                             log: directory + "/csr.log")
            try Self.openssl(["x509", "-req", "-in", directory + "/server.csr", "-CA", ca, "-CAkey", directory + "/ca.key",
                              "-CAcreateserial", "-out", certificate, "-days", "2", "-extfile", directory + "/san.cnf"],
                             log: directory + "/sign.log")
        }

        static func openssl(_ arguments: [String], log: String) throws {
            let pid = try LocalRegistry.spawn([RegistryTLSTests.openssl] + arguments, log: log)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            guard status == 0 else { throw Errno(EINVAL, call: "openssl \(arguments[0])", subject: (try? FileSystem.readString(log)) ?? "") }
        }
    }

    func isVerificationFailure(_ error: any Error) -> Bool {
        guard case ImageError.network(_, let reason) = error else { return false }
        return reason.hasPrefix("certificate verification failed")
    }

    @Test func pushAndPullOverVerifiedTLS() async throws {
        let temp = TestRoot()
        defer { temp.remove() }
        let certificates = try Certificates(directory: temp.path + "/tls", ip: "127.0.0.2")
        let registry = try LocalRegistry(directory: temp.path + "/registry", address: "127.0.0.2",
                                         tls: (certificates.certificate, certificates.key))
        defer { registry.stop() }
        let trusting = PullOptions(environment: ["SSL_CERT_FILE": certificates.ca], timeout: 5)

        let source = ImageStore(root: StateRoot(root: temp.path + "/source"))
        let busybox = try temp.write("busybox.tar.gz", try Gzip.compress(try Fixtures.busyboxRootfs()))
        let reference = "\(registry.host)/swc/busybox:tls"
        let imported = try source.import(rootfsTar: busybox, reference: reference)
        try source.push(reference, options: trusting)

        let store = ImageStore(root: StateRoot(root: temp.path + "/pulled"))
        let pulled = try await store.pull(reference, options: trusting)
        #expect(pulled.id == imported.id)
        #expect(try FileSystem.readFile(store.lowerDirs(for: pulled)[0] + "/bin/busybox") == (try FileSystem.readFile("/bin/busybox")))

        // The system's CAs do not know the test CA: the handshake is refused, nothing is stored.
        let fresh = ImageStore(root: StateRoot(root: temp.path + "/refused"))
        await #expect(performing: { try await fresh.pull(reference, options: PullOptions(timeout: 5)) },
                      throws: isVerificationFailure)
        #expect(fresh.list().isEmpty)
    }

    @Test func certificateForAnotherAddressIsRefused() async throws {
        let temp = TestRoot()
        defer { temp.remove() }
        // Signed by a CA we trust, but for 127.0.0.9 while the registry answers on 127.0.0.2.
        let certificates = try Certificates(directory: temp.path + "/tls", ip: "127.0.0.9")
        let registry = try LocalRegistry(directory: temp.path + "/registry", address: "127.0.0.2",
                                         tls: (certificates.certificate, certificates.key))
        defer { registry.stop() }
        let store = ImageStore(root: temp.root)
        await #expect(performing: {
            try await store.pull("\(registry.host)/swc/busybox:tls",
                                 options: PullOptions(environment: ["SSL_CERT_FILE": certificates.ca], timeout: 5))
        }, throws: isVerificationFailure)
    }
}
