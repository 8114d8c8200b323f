import Archive
import Glibc
import Images
import Linux
import Testing

/// Counts progress events from parallel layer downloads.
final class ProgressLog: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var events: [PullProgress] = []
    init() { pthread_mutex_init(&mutex, nil) }
    func add(_ event: PullProgress) {
        pthread_mutex_lock(&mutex)
        events.append(event)
        pthread_mutex_unlock(&mutex)
    }
    var all: [PullProgress] {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return events
    }
}

@Suite(.serialized, .enabled(if: LocalRegistry.isAvailable, "docker-registry is not installed (apt-get install docker-registry)"))
struct RegistryPullTests {
    @Test func pushThenPullThroughRegistry() async throws {
        let temp = TestRoot()
        defer { temp.remove() }
        let registry = try LocalRegistry(directory: temp.path + "/registry")
        defer { registry.stop() }
        let source = ImageStore(root: StateRoot(root: temp.path + "/source"))
        let busybox = try temp.write("busybox.tar.gz", try Gzip.compress(try Fixtures.busyboxRootfs()))
        _ = try source.import(rootfsTar: busybox, reference: "\(registry.host)/swc/busybox:1")
        try source.push("\(registry.host)/swc/busybox:1")
        let multi = try temp.write("multi.tar", ImageStoreTests.multiLayerArchive())
        _ = try source.load(archive: multi)
        let multiImage = try source.inspect("swc-test/multi")
        try source.tag(multiImage, as: "\(registry.host)/swc/multi:v2")
        try source.push("\(registry.host)/swc/multi:v2")

        let store = ImageStore(root: StateRoot(root: temp.path + "/pulled"))
        let log = ProgressLog()
        let options = PullOptions(timeout: 5, progress: { log.add($0) })
        let pulled = try await store.pull("\(registry.host)/swc/multi:v2", options: options)
        #expect(pulled.id == multiImage.id)
        #expect(pulled.diffIDs == multiImage.diffIDs)
        let dirs = store.lowerDirs(for: pulled)
        #expect(lstatOf(dirs[0] + "/data/link")?.st_nlink == 2)
        #expect(lstatOf(dirs[1] + "/etc/remove-me").map { $0.st_mode & S_IFMT } == S_IFCHR)
        #expect(log.all.filter { $0.state == .complete }.count == 3)

        let box = try await store.pull("\(registry.host)/swc/busybox:1", options: options)
        #expect(try FileSystem.readFile(store.lowerDirs(for: box)[0] + "/bin/busybox") == (try FileSystem.readFile("/bin/busybox")))
        // A second pull finds everything present.
        let before = log.all.count
        _ = try await store.pull("\(registry.host)/swc/busybox:1", options: options)
        #expect(log.all[before...].contains { $0.state == .alreadyExists })

        // Missing tag.
        await #expect(throws: ImageError.self) { try await store.pull("\(registry.host)/swc/busybox:nope", options: options) }

        // An index with only linux/amd64: chosen by default, refused for arm64.
        let index = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[\
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(box.digest)","size":\(try FileSystem.readFile(temp.path + "/pulled/lib/images/blobs/sha256/" + Digest.hex(box.digest)).count),\
        "platform":{"architecture":"amd64","os":"linux"}}]}
        """
        try source.pushManifest(Array(index.utf8), mediaType: "application/vnd.oci.image.index.v1+json", to: "\(registry.host)/swc/busybox:multiarch")
        let viaIndex = try await store.pull("\(registry.host)/swc/busybox:multiarch", options: options)
        #expect(viaIndex.id == box.id)
        var arm = options
        arm.platform = "linux/arm64"
        await #expect {
            try await store.pull("\(registry.host)/swc/busybox:multiarch", options: arm)
        } throws: { error in
            guard case ImageError.noMatchingPlatform(_, let platform, let available) = error else { return false }
            return platform == "linux/arm64" && available == ["linux/amd64"]
        }
        // After the failures the store is intact: prune keeps everything still tagged.
        _ = try store.prune()
        #expect(Set(store.list().flatMap(\.references)).count == 3)
    }

    @Test func basicAuthWithCredentials() async throws {
        let temp = TestRoot()
        defer { temp.remove() }
        guard let (registry, good) = try LocalRegistry.withBasicAuth(in: temp) else { return }
        defer { registry.stop() }
        let source = ImageStore(root: StateRoot(root: temp.path + "/source"))
        let rootfs = Fixtures.layer { $0.append(TarEntry(path: "hello", kind: .regular), contents: Array("hi\n".utf8)) }
        _ = try source.import(rootfsTar: try temp.write("rootfs.tar", rootfs), reference: "\(registry.host)/swc/private:1")
        #expect(throws: ImageError.self) { try source.push("\(registry.host)/swc/private:1") }
        try source.push("\(registry.host)/swc/private:1", options: PullOptions(credentials: good, timeout: 5))

        let store = ImageStore(root: StateRoot(root: temp.path + "/pulled"))
        let reference = "\(registry.host)/swc/private:1"
        await #expect {
            try await store.pull(reference, options: PullOptions(timeout: 5))
        } throws: { error in
            if case ImageError.unauthorized = error { return true } else { return false }
        }
        await #expect {
            try await store.pull(reference, options: PullOptions(credentials: .init(username: "swc", password: "wrong"), timeout: 5))
        } throws: { error in
            if case ImageError.unauthorized = error { return true } else { return false }
        }
        // Credentials from $HOME/.docker/config.json.
        try FileSystem.createDirectory(temp.path + "/home/.docker")
        let auth = "c3djOnMzY3JldA=="  // base64("swc:s3cret")
        try FileSystem.writeAtomically(temp.path + "/home/.docker/config.json", "{\"auths\":{\"\(registry.host)\":{\"auth\":\"\(auth)\"}}}")
        let image = try await store.pull(reference, options: PullOptions(environment: ["HOME": temp.path + "/home"], timeout: 5))
        #expect(try FileSystem.readString(store.lowerDirs(for: image)[0] + "/hello") == "hi\n")
    }

    @Test func hungRegistryTimesOut() async throws {
        let temp = TestRoot()
        defer { temp.remove() }
        let listener = try SilentListener()
        defer { listener.close() }
        let store = ImageStore(root: temp.root)
        let started = time(nil)
        await #expect {
            try await store.pull("127.0.0.1:\(listener.port)/swc/hang:1", options: PullOptions(timeout: 0.3))
        } throws: { error in
            if case ImageError.timeout = error { return true } else { return false }
        }
        #expect(time(nil) - started < 10)
        #expect(store.list().isEmpty)
    }
}
