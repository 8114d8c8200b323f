import Archive
import FoundationEssentials
import Glibc
import Images
import Linux
import Testing

/// Registries and disks that misbehave: each failure names the image and the cause, leaves no half blob or
/// layer behind, and a later pull of good content succeeds.
@Suite(.serialized, .enabled(if: LocalRegistry.isAvailable, "docker-registry is not installed (apt-get install docker-registry)"))
struct BadInputTests {
    /// A one-layer image pushed to `registry` as `name`; returns the source store's record.
    static func publish(_ name: String, files: [String: [UInt8]], registry: LocalRegistry, temp: TestRoot) throws -> ImageRecord {
        let source = ImageStore(root: StateRoot(root: temp.path + "/source"))
        let rootfs = Fixtures.layer { tar in
            for (path, contents) in files.sorted(by: { $0.key < $1.key }) { tar.append(TarEntry(path: path, kind: .regular), contents: contents) }
        }
        let file = try temp.write("\(SHA256.hex(of: Array(name.utf8))).tar.gz", try Gzip.compress(rootfs))
        let image = try source.import(rootfsTar: file, reference: "\(registry.host)/\(name)")
        try source.push("\(registry.host)/\(name)", options: PullOptions(timeout: 5))
        return image
    }

    /// Where the registry keeps a blob's bytes.
    static func registryBlob(_ registry: LocalRegistry, _ digest: String) -> String {
        let hex = Digest.hex(digest)
        return "\(registry.directory)/data/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
    }

    /// Every stored blob hashes to its name, and no temporary file or layer directory is left over.
    static func expectConsistent(_ store: ImageStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let blobs = store.directory + "/blobs/sha256"
        for name in (try? FileSystem.contents(of: blobs)) ?? [] {
            #expect(SHA256.hex(of: try FileSystem.readFile(blobs + "/" + name)) == name, "blob \(name) is not what its name says",
                    sourceLocation: sourceLocation)
        }
        #expect(((try? FileSystem.contents(of: store.directory + "/tmp")) ?? []).isEmpty, "temporary files left", sourceLocation: sourceLocation)
    }

    @Test func tamperedBlobIsRefusedThenAGoodPullWorks() async throws {
        let temp = TestRoot()
        defer { temp.remove() }
        let registry = try LocalRegistry(directory: temp.path + "/registry")
        defer { registry.stop() }
        let reference = "\(registry.host)/swc/tampered:1"
        let image = try Self.publish("swc/tampered:1", files: ["hello": Array("hello\n".utf8)], registry: registry, temp: temp)
        let layer = try storedManifest(ImageStore(root: StateRoot(root: temp.path + "/source")), image).layers[0]

        // Same size, same uncompressed content, different bytes: flip the gzip header's MTIME.
        let stored = Self.registryBlob(registry, layer.digest)
        let original = try FileSystem.readFile(stored)
        var tampered = original
        tampered[4] ^= 0x5a
        try FileSystem.writeAtomically(stored, tampered)

        let store = ImageStore(root: StateRoot(root: temp.path + "/pulled"))
        await #expect {
            try await store.pull(reference, options: PullOptions(timeout: 5))
        } throws: { error in
            guard case ImageError.digestMismatch(_, let expected, _) = error else { return false }
            return expected == layer.digest && "\(error)".contains(reference)
        }
        #expect(store.list().isEmpty)
        #expect(!FileSystem.exists(store.directory + "/blobs/sha256/" + Digest.hex(layer.digest)))
        #expect(((try? FileSystem.contents(of: store.directory + "/layers")) ?? []).isEmpty)
        try Self.expectConsistent(store)

        try FileSystem.writeAtomically(stored, original)
        let pulled = try await store.pull(reference, options: PullOptions(timeout: 5))
        #expect(pulled.id == image.id)
        #expect(try FileSystem.readString(store.lowerDirs(for: pulled)[0] + "/hello") == "hello\n")
    }

    @Test func indexWithoutLinuxAMD64() async throws {
        let temp = TestRoot()
        defer { temp.remove() }
        let registry = try LocalRegistry(directory: temp.path + "/registry")
        defer { registry.stop() }
        let image = try Self.publish("swc/armonly:base", files: ["a": [1]], registry: registry, temp: temp)
        let source = ImageStore(root: StateRoot(root: temp.path + "/source"))
        let manifestSize = try FileSystem.readFile(source.directory + "/blobs/sha256/" + Digest.hex(image.digest)).count
        let index = """
        {"schemaVersion":2,"mediaType":"\(MediaType.ociIndex)","manifests":[\
        {"mediaType":"\(MediaType.ociManifest)","digest":"\(image.digest)","size":\(manifestSize),"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},\
        {"mediaType":"\(MediaType.ociManifest)","digest":"\(image.digest)","size":\(manifestSize),"platform":{"architecture":"amd64","os":"windows"}}]}
        """
        let reference = "\(registry.host)/swc/armonly:1"
        try source.pushManifest(Array(index.utf8), mediaType: MediaType.ociIndex, to: reference)

        let store = ImageStore(root: StateRoot(root: temp.path + "/pulled"))
        await #expect {
            try await store.pull(reference, options: PullOptions(timeout: 5))
        } throws: { error in
            guard case ImageError.noMatchingPlatform(let named, "linux/amd64", let available) = error else { return false }
            return named == reference && available == ["linux/arm64/v8", "windows/amd64"]
        }
        #expect(store.list().isEmpty)
        try Self.expectConsistent(store)
        var arm = PullOptions(timeout: 5)
        arm.platform = "linux/arm64/v8"
        #expect(try await store.pull(reference, options: arm).id == image.id)
    }

    @Test func unknownLayerMediaType() async throws {
        let temp = TestRoot()
        defer { temp.remove() }
        let registry = try LocalRegistry(directory: temp.path + "/registry")
        defer { registry.stop() }
        let image = try Self.publish("swc/odd:base", files: ["a": [1]], registry: registry, temp: temp)
        let source = ImageStore(root: StateRoot(root: temp.path + "/source"))
        var manifest = try storedManifest(source, image)
        let odd = "application/vnd.example.swc.layer.v1+squashfs"
        manifest.layers[0].mediaType = odd
        let reference = "\(registry.host)/swc/odd:1"
        try source.pushManifest(encode(manifest), mediaType: MediaType.ociManifest, to: reference)

        let store = ImageStore(root: StateRoot(root: temp.path + "/pulled"))
        await #expect {
            try await store.pull(reference, options: PullOptions(timeout: 5))
        } throws: { error in
            guard case ImageError.unsupportedMediaType(let named, let type) = error else { return false }
            return named == reference && type == odd
        }
        #expect(store.list().isEmpty)
        try Self.expectConsistent(store)
        #expect(try await store.pull("\(registry.host)/swc/odd:base", options: PullOptions(timeout: 5)).id == image.id)
    }

    @Test func wrongCredentialsNameTheImageAndStoreNothing() async throws {
        let temp = TestRoot()
        defer { temp.remove() }
        guard let (registry, good) = try LocalRegistry.withBasicAuth(in: temp) else { return }
        defer { registry.stop() }
        let source = ImageStore(root: StateRoot(root: temp.path + "/source"))
        let reference = "\(registry.host)/swc/locked:1"
        let rootfs = try temp.write("rootfs.tar", Fixtures.layer { $0.append(TarEntry(path: "x", kind: .regular), contents: [7]) })
        _ = try source.import(rootfsTar: rootfs, reference: reference)
        try source.push(reference, options: PullOptions(credentials: good, timeout: 5))

        let store = ImageStore(root: StateRoot(root: temp.path + "/pulled"))
        await #expect {
            try await store.pull(reference, options: PullOptions(credentials: .init(username: "swc", password: "wrong"), timeout: 5))
        } throws: { error in
            guard case ImageError.unauthorized(let registryName, _) = error else { return false }
            return registryName == registry.host && "\(error)".contains(reference) && "\(error)".contains("401")
        }
        #expect(store.list().isEmpty)
        try Self.expectConsistent(store)
        #expect(try await store.pull(reference, options: PullOptions(credentials: good, timeout: 5)).references == [reference])
    }

    /// A 4 MiB tmpfs as the state root and a layer of 6 MiB that does not compress.
    @Test func fullDiskLeavesNoHalfBlob() async throws {
        let temp = TestRoot()
        defer { temp.remove() }
        let registry = try LocalRegistry(directory: temp.path + "/registry")
        defer { registry.stop() }
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<(6 << 17)).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
        let image = try Self.publish("swc/big:1", files: ["noise": noise], registry: registry, temp: temp)
        let reference = "\(registry.host)/swc/big:1"

        let small = temp.path + "/small"
        try FileSystem.createDirectory(small)
        try Mount.mount(source: "swcompose-test", target: small, type: "tmpfs", data: "size=4m,mode=0755")
        var mounted = true
        defer { if mounted { try? Mount.unmount(small, .detach) } }

        let store = ImageStore(root: StateRoot(root: small))
        await #expect {
            try await store.pull(reference, options: PullOptions(timeout: 5))
        } throws: { error in
            "\(error)".contains(reference) && "\(error)".contains("No space left on device")
        }
        #expect(store.list().isEmpty)
        #expect(((try? FileSystem.contents(of: store.directory + "/layers")) ?? []).isEmpty)
        let layer = try storedManifest(ImageStore(root: StateRoot(root: temp.path + "/source")), image).layers[0]
        #expect(!FileSystem.exists(store.directory + "/blobs/sha256/" + Digest.hex(layer.digest)))
        try Self.expectConsistent(store)

        try Mount.unmount(small)
        mounted = false
        let pulled = try await ImageStore(root: StateRoot(root: small)).pull(reference, options: PullOptions(timeout: 5))
        #expect(pulled.id == image.id)
        #expect(try FileSystem.readFile(ImageStore(root: StateRoot(root: small)).lowerDirs(for: pulled)[0] + "/noise") == noise)
    }
}

/// The stored manifest of `image`.
func storedManifest(_ store: ImageStore, _ image: ImageRecord) throws -> Manifest {
    try JSONDecoder().decode(Manifest.self, from: Data(try FileSystem.readFile(store.directory + "/blobs/sha256/" + Digest.hex(image.digest))))
}
