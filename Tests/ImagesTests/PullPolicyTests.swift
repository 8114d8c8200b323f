import Archive
import Glibc
import Images
import Linux
import Testing

/// The package's debug build of `swcompose`, found from this file's path.
let debugBinary: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
    return path + "/.build/debug/swcompose"
}()

/// `swcompose pull` as a user runs it (the built debug binary, a private SWCOMPOSE_ROOT), against a loopback
/// registry whose tag moves between runs, so whether a run pulled shows in which digest the local tag names.
@Suite(.serialized, .enabled(if: LocalRegistry.isAvailable && FileSystem.exists(debugBinary),
                             "needs docker-registry and a built .build/debug/swcompose"))
struct PullPolicyTests {

    struct Run {
        var status: Int32
        var stderr: String
    }

    let temp = TestRoot()
    var stateRoot: String { temp.path + "/state" }

    /// `swcompose -f <file> pull` for one service `app` with `image` and, when given, `pull_policy`.
    func pull(_ image: String, policy: String?, extra: [String] = []) throws -> Run {
        let file = temp.path + "/compose-\(policy ?? "default").yaml"
        let policyLine = policy.map { "    pull_policy: \($0)\n" } ?? ""
        try FileSystem.writeAtomically(file, "services:\n  app:\n    image: \(image)\n" + policyLine)
        let err = try FileDescriptor.open(temp.path + "/stderr", [.writeOnly, .create, .truncate], mode: 0o644)
        let null = try FileDescriptor.open("/dev/null", .readWrite)
        defer { [err, null].forEach { $0.closeQuietly() } }
        var spawn = Spawn(
            executable: debugBinary, arguments: [debugBinary, "-f", file, "pull"] + extra,
            environment: ["SWCOMPOSE_ROOT=\(stateRoot)", "COMPOSE_PROJECT_NAME=swcpolicy", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=\(temp.path)"])
        spawn.descriptors = [0: null, 1: null, 2: err]
        let pid = try spawn.run()
        let status = try Linux.Process.wait(pid)?.status.code ?? -1
        return Run(status: status, stderr: (try? FileSystem.readString(temp.path + "/stderr")) ?? "")
    }

    /// The manifest digest the local tag names, nil when the image is absent.
    func localDigest(_ reference: String) -> String? {
        try? ImageStore(root: StateRoot(root: stateRoot)).inspect(reference).digest
    }

    /// Pushes a fresh one-layer image under `reference`, returning its manifest digest.
    func publish(_ reference: String, content: String) throws -> String {
        let source = ImageStore(root: StateRoot(root: temp.path + "/source"))
        let rootfs = Fixtures.layer { $0.append(TarEntry(path: "version", kind: .regular), contents: Array(content.utf8)) }
        let image = try source.import(rootfsTar: try temp.write("rootfs.tar", rootfs), reference: reference)
        try source.push(reference, options: PullOptions(timeout: 5))
        return image.digest
    }

    @Test func eachPolicyPullsOrSkips() throws {
        defer { temp.remove() }
        let registry = try LocalRegistry(directory: temp.path + "/registry")
        defer { registry.stop() }
        let image = "\(registry.host)/swc/policy:1"
        let first = try publish(image, content: "one")

        for policy in ["never", "build"] {
            let run = try pull(image, policy: policy)
            #expect(run.status == 0, "\(policy): \(run.stderr)")
            #expect(run.stderr.contains("app Skipped"), "\(policy): \(run.stderr)")
            #expect(localDigest(image) == nil, "pull_policy \(policy) must not pull")
        }
        let missing = try pull(image, policy: "missing")
        #expect(missing.status == 0, "\(missing.stderr)")
        #expect(localDigest(image) == first)

        let second = try publish(image, content: "two")
        #expect(second != first)
        for policy in ["missing", "if_not_present", "never", "build"] {
            let run = try pull(image, policy: policy)
            #expect(run.status == 0, "\(policy): \(run.stderr)")
            #expect(localDigest(image) == first, "pull_policy \(policy) must keep the present image")
        }
        #expect(try pull(image, policy: "if_not_present").stderr.contains("Image is already present locally"))

        let always = try pull(image, policy: "always")
        #expect(always.status == 0, "\(always.stderr)")
        #expect(localDigest(image) == second)

        // No policy: `pull` pulls, like docker compose pull.
        let third = try publish(image, content: "three")
        let plain = try pull(image, policy: nil)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(localDigest(image) == third)
    }

    @Test func failedPullExitsNonZeroNamingTheImage() throws {
        defer { temp.remove() }
        let registry = try LocalRegistry(directory: temp.path + "/registry")
        defer { registry.stop() }
        let image = "\(registry.host)/swc/absent:1"
        let run = try pull(image, policy: "always")
        #expect(run.status != 0)
        #expect(run.stderr.contains(image), "\(run.stderr)")
        let ignored = try pull(image, policy: "always", extra: ["--ignore-pull-failures"])
        #expect(ignored.status == 0, "\(ignored.stderr)")
        #expect(localDigest(image) == nil)
    }
}
