import Images
import Testing

@Suite struct ReferenceTests {
    @Test(arguments: [
        ("busybox", "docker.io/library/busybox:latest"),
        ("busybox:1.36", "docker.io/library/busybox:1.36"),
        ("library/redis", "docker.io/library/redis:latest"),
        ("bitnami/redis:7", "docker.io/bitnami/redis:7"),
        ("index.docker.io/library/alpine", "docker.io/library/alpine:latest"),
        ("localhost:5000/x", "localhost:5000/x:latest"),
        ("localhost/app:dev", "localhost/app:dev"),
        ("ghcr.io/owner/repo/sub:v1.2", "ghcr.io/owner/repo/sub:v1.2"),
        ("alpine@sha256:" + String(repeating: "a", count: 64), "docker.io/library/alpine@sha256:" + String(repeating: "a", count: 64)),
    ])
    func normalises(_ input: String, _ expected: String) throws {
        #expect(try ImageReference(parsing: input).description == expected)
    }

    @Test(arguments: ["", "UPPER", "busybox:", "a//b", "x@sha256:123", "-bad", "busybox:-tag"])
    func rejects(_ input: String) {
        #expect(throws: ImageError.self) { try ImageReference(parsing: input) }
    }

    @Test func registryHostForDockerHub() throws {
        #expect(try ImageReference(parsing: "busybox").registryHost == "registry-1.docker.io")
        #expect(try ImageReference(parsing: "127.0.0.1:5000/a/b").registryHost == "127.0.0.1:5000")
        #expect(try ImageReference(parsing: "127.0.0.1:5000/a/b").path == "a/b")
    }
}
