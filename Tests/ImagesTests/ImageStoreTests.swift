import Archive
import Glibc
import Images
import Linux
import Testing

@Suite struct ImageStoreTests {
    @Test func importsBusyboxRootfs() throws {
        let temp = TestRoot()
        defer { temp.remove() }
        let tarball = try temp.write("rootfs.tar.gz", try Gzip.compress(try Fixtures.busyboxRootfs()))
        let store = ImageStore(root: temp.root)
        let image = try store.import(rootfsTar: tarball, reference: "swc-test/busybox:1")
        #expect(image.references == ["docker.io/swc-test/busybox:1"])
        #expect(image.diffIDs.count == 1)
        let dirs = store.lowerDirs(for: image)
        #expect(dirs.count == 1 && dirs[0].hasPrefix(temp.root.images + "/l/"))
        #expect(dirs[0].split(separator: "/").last?.count == 26)
        let busybox = try FileSystem.readFile(dirs[0] + "/bin/busybox")
        #expect(busybox == (try FileSystem.readFile("/bin/busybox")))
        #expect(FileSystem.exists(dirs[0] + "/bin/sh"))
        #expect(try store.inspect("swc-test/busybox:1") == image)
        #expect(try store.inspect(String(Digest.hex(image.id).prefix(8))).id == image.id)

        // Removing refuses while a container uses it, then removes blobs and layers.
        #expect(throws: ImageError.self) { try store.remove("swc-test/busybox:1") { _ in "web-1" } }
        try store.remove("swc-test/busybox:1") { _ in nil }
        #expect(store.list().isEmpty)
        #expect(try FileSystem.contents(of: temp.root.images + "/layers").isEmpty)
        #expect(try FileSystem.contents(of: temp.root.images + "/blobs/sha256").isEmpty)
        #expect(try FileSystem.contents(of: temp.root.images + "/l").isEmpty)
    }

    /// Three layers: base, one that deletes and makes a directory opaque, one that adds a hard link.
    static func multiLayerArchive() -> [UInt8] {
        let base = Fixtures.layer { tar in
            tar.append(TarEntry(path: "etc/", kind: .directory, mode: 0o755))
            tar.append(TarEntry(path: "etc/motd", kind: .regular), contents: Array("hello\n".utf8))
            tar.append(TarEntry(path: "etc/remove-me", kind: .regular), contents: [1])
            tar.append(TarEntry(path: "opt/", kind: .directory, mode: 0o755))
            tar.append(TarEntry(path: "opt/old-a", kind: .regular), contents: [2])
            tar.append(TarEntry(path: "opt/old-b", kind: .regular), contents: [3])
        }
        let deleting = Fixtures.layer { tar in
            tar.append(TarEntry(path: "etc/", kind: .directory, mode: 0o755))
            tar.append(TarEntry(path: "etc/.wh.remove-me", kind: .regular))
            tar.append(TarEntry(path: "opt/", kind: .directory, mode: 0o755))
            tar.append(TarEntry(path: "opt/.wh..wh..opq", kind: .regular))
            tar.append(TarEntry(path: "opt/new", kind: .regular), contents: Array("new\n".utf8))
        }
        let linking = Fixtures.layer { tar in
            tar.append(TarEntry(path: "data/", kind: .directory, mode: 0o755))
            tar.append(TarEntry(path: "data/original", kind: .regular, mode: 0o600, uid: 1000), contents: Array("shared\n".utf8))
            tar.append(TarEntry(path: "data/link", kind: .hardLink, linkName: "data/original"))
        }
        var config = ContainerConfig()
        config.env = ["PATH=/bin"]
        config.cmd = ["/bin/sh"]
        config.exposedPorts = ["80/tcp": EmptyObject()]
        return Fixtures.dockerSave(layers: [base, deleting, linking], config: config, tags: ["swc-test/multi:latest"])
    }

    @Test func loadsDockerSaveAndMountsOverlay() throws {
        let temp = TestRoot()
        defer { temp.remove() }
        let archive = try temp.write("multi.tar", Self.multiLayerArchive())
        let store = ImageStore(root: temp.root)
        #expect(try store.load(archive: archive) == ["docker.io/swc-test/multi:latest"])
        let image = try store.inspect("swc-test/multi")
        #expect(image.config.config?.cmd == ["/bin/sh"])
        #expect(image.config.config?.exposedPorts?.keys.sorted() == ["80/tcp"])
        let dirs = store.lowerDirs(for: image)
        #expect(dirs.count == 3)
        // Topmost first: the hard-link layer, then the deleting layer.
        #expect(lstatOf(dirs[0] + "/data/link")?.st_nlink == 2)
        #expect(lstatOf(dirs[1] + "/etc/remove-me").map { $0.st_mode & S_IFMT } == S_IFCHR)

        // Loading again reuses the layers.
        #expect(try store.load(archive: archive).count == 1)
        #expect(try FileSystem.contents(of: temp.root.images + "/layers").count == 3)

        let merged = temp.path + "/merged"
        try FileSystem.createDirectory(merged)
        let options = "lowerdir=" + dirs.joined(separator: ":")
        guard mount("overlay", merged, "overlay", 0, options) == 0 else {
            Issue.record("mount overlay: \(Errno.current("mount", merged)) (needs root and overlayfs)")
            return
        }
        defer { umount2(merged, Int32(MNT_DETACH)) }
        #expect(try FileSystem.readString(merged + "/etc/motd") == "hello\n")
        #expect(!FileSystem.exists(merged + "/etc/remove-me"))
        #expect(try FileSystem.contents(of: merged + "/opt") == ["new"])
        #expect(try FileSystem.readString(merged + "/data/link") == "shared\n")
        #expect(lstatOf(merged + "/data/original")?.st_uid == 1000)
    }

    @Test func corruptLayerLeavesStoreConsistent() throws {
        let temp = TestRoot()
        defer { temp.remove() }
        let good = Fixtures.layer { $0.append(TarEntry(path: "f", kind: .regular), contents: [1, 2, 3]) }
        let other = Fixtures.layer { $0.append(TarEntry(path: "g", kind: .regular), contents: [4]) }
        // The config names `other`'s diff-id, but the archive carries `good`: a digest mismatch.
        let swapped = swapLayer(in: Fixtures.dockerSave(layers: [other], config: nil, tags: ["swc-test/bad:1"]), with: good)
        let store = ImageStore(root: temp.root)
        let path = try temp.write("bad.tar", swapped)
        #expect(throws: ImageError.self) { try store.load(archive: path) }
        #expect(store.list().isEmpty)
        #expect(try FileSystem.contents(of: temp.root.images + "/layers").isEmpty)
        _ = try store.prune()
        #expect(try FileSystem.contents(of: temp.root.images + "/blobs/sha256").isEmpty)
        // A good archive still loads afterwards.
        let fine = try temp.write("fine.tar", Fixtures.dockerSave(layers: [good], config: nil, tags: ["swc-test/bad:1"]))
        #expect(try store.load(archive: fine) == ["docker.io/swc-test/bad:1"])
    }

    /// Rebuilds a one-layer docker save archive with a different layer.tar but the original config.
    private func swapLayer(in archive: [UInt8], with layer: [UInt8]) -> [UInt8] {
        let reader = TarReader(BytesSource(archive))
        var writer = TarWriter()
        while let entry = try? reader.next() {
            let contents = (try? reader.readAll()) ?? []
            writer.append(entry, contents: entry.path.hasSuffix("layer.tar") ? layer : contents)
        }
        writer.finish()
        return writer.bytes
    }

    @Test func truncatedArchiveIsAClearError() throws {
        let temp = TestRoot()
        defer { temp.remove() }
        let archive = Self.multiLayerArchive()
        let path = try temp.write("cut.tar", Array(archive.prefix(archive.count / 2)))
        let store = ImageStore(root: temp.root)
        #expect(throws: ImageError.self) { try store.load(archive: path) }
        #expect(store.list().isEmpty)
    }
}

func lstatOf(_ path: String) -> stat? {
    var st = stat()
    return lstat(path, &st) == 0 ? st : nil
}
