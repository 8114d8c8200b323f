import Archive
import Glibc
import Linux
import Testing

@Suite struct ExtractorTests {
    private func extract(_ writer: TarWriter, into root: String, options: ExtractOptions = ExtractOptions()) throws {
        var writer = writer
        writer.finish()
        try Extractor(root: root, options: options).extract(TarReader(BytesSource(writer.bytes)))
    }

    @Test func preservesMetadataLinksAndSpecialFiles() throws {
        let temp = TemporaryDirectory()
        defer { temp.remove() }
        var tar = TarWriter()
        tar.append(TarEntry(path: "etc/", kind: .directory, mode: 0o750, uid: 12, gid: 34, modificationTime: (1_000_000, 0)))
        tar.append(TarEntry(path: "etc/app.conf", kind: .regular, mode: 0o4755, uid: 1000, gid: 1000, modificationTime: (2_000_000, 0)),
                   contents: Array("port=80\n".utf8))
        tar.append(TarEntry(path: "etc/alias", kind: .hardLink, linkName: "etc/app.conf"))
        tar.append(TarEntry(path: "bin/sh", kind: .symbolicLink, linkName: "/bin/busybox"))
        tar.append(TarEntry(path: "run/pipe", kind: .fifo, mode: 0o600))
        tar.append(TarEntry(path: "dev/null", kind: .characterDevice, mode: 0o666, deviceMajor: 1, deviceMinor: 3))
        try extract(tar, into: temp.path, options: ExtractOptions(allowDeviceNodes: true))

        let dir = try #require(lstatOf(temp.path + "/etc"))
        #expect(dir.st_mode & 0o7777 == 0o750 && dir.st_uid == 12 && dir.st_gid == 34)
        #expect(dir.st_mtim.tv_sec == 1_000_000)
        let file = try #require(lstatOf(temp.path + "/etc/app.conf"))
        #expect(file.st_mode & 0o7777 == 0o4755 && file.st_uid == 1000 && file.st_mtim.tv_sec == 2_000_000)
        #expect(file.st_nlink == 2)
        #expect(try FileSystem.readString(temp.path + "/etc/alias") == "port=80\n")
        #expect(lstatOf(temp.path + "/etc/alias")?.st_ino == file.st_ino)
        var target = [CChar](repeating: 0, count: 256)
        let length = readlink(temp.path + "/bin/sh", &target, 255)
        #expect(String(decoding: target[0..<max(0, length)].map { UInt8(bitPattern: $0) }, as: UTF8.self) == "/bin/busybox")
        #expect(lstatOf(temp.path + "/run/pipe").map { $0.st_mode & S_IFMT } == S_IFIFO)
        let device = try #require(lstatOf(temp.path + "/dev/null"))
        #expect(device.st_mode & S_IFMT == S_IFCHR && device.st_rdev == clinuxMakedev(1, 3))
    }

    @Test func convertsWhiteoutsForOverlay() throws {
        let temp = TemporaryDirectory()
        defer { temp.remove() }
        var tar = TarWriter()
        tar.append(TarEntry(path: "etc/.wh.passwd", kind: .regular))
        tar.append(TarEntry(path: "opt/.wh..wh..opq", kind: .regular))
        tar.append(TarEntry(path: "opt/new", kind: .regular), contents: [1])
        try extract(tar, into: temp.path, options: .imageLayer)
        let whiteout = try #require(lstatOf(temp.path + "/etc/passwd"))
        #expect(whiteout.st_mode & S_IFMT == S_IFCHR && whiteout.st_rdev == 0)
        #expect(lstatOf(temp.path + "/etc/.wh.passwd") == nil)
        let opt = try FileDescriptor.open(temp.path + "/opt", [.readOnly, .directory])
        defer { opt.closeQuietly() }
        #expect(try opt.extendedAttribute("trusted.overlay.opaque") == Array("y".utf8))
        #expect(lstatOf(temp.path + "/opt/.wh..wh..opq") == nil)
    }

    /// Every hostile archive must fail with `unsafeEntry` and leave the directory beside the root untouched.
    @Test(arguments: HostileArchive.allCases)
    func refusesHostileArchive(_ hostile: HostileArchive) throws {
        let temp = TemporaryDirectory()
        defer { temp.remove() }
        let root = temp.path + "/root"
        let outside = temp.path + "/outside"
        try FileSystem.createDirectory(root)
        try FileSystem.createDirectory(outside)
        try FileSystem.writeAtomically(outside + "/secret", "keep")
        let before = try FileSystem.contents(of: outside).sorted()

        var thrown: ArchiveError?
        do { try extract(hostile.archive(outside: outside), into: root) } catch let error as ArchiveError { thrown = error }
        guard case .unsafeEntry = thrown else {
            Issue.record("\(hostile) gave \(String(describing: thrown)) instead of a refusal")
            return
        }
        #expect(try FileSystem.contents(of: outside).sorted() == before)
        #expect(try FileSystem.readString(outside + "/secret") == "keep")
        #expect(lstatOf(outside + "/secret")?.st_nlink == 1)
        #expect(!FileSystem.exists(temp.path + "/evil"))
    }
}

enum HostileArchive: CaseIterable, Sendable {
    case dotDot, nestedDotDot, absolute, symlinkOutThenWrite, absoluteSymlinkThenWrite, hardlinkOutside,
        hardlinkThroughSymlink, deviceNode, symlinkOutThenDirectory

    func archive(outside: String) -> TarWriter {
        var tar = TarWriter()
        switch self {
        case .dotDot:
            tar.append(TarEntry(path: "../evil", kind: .regular), contents: [1])
        case .nestedDotDot:
            tar.append(TarEntry(path: "a/b/../../../evil", kind: .regular), contents: [1])
        case .absolute:
            tar.append(TarEntry(path: outside + "/evil", kind: .regular), contents: [1])
        case .symlinkOutThenWrite:
            tar.append(TarEntry(path: "link", kind: .symbolicLink, linkName: "../outside"))
            tar.append(TarEntry(path: "link/evil", kind: .regular), contents: [1])
        case .absoluteSymlinkThenWrite:
            tar.append(TarEntry(path: "link", kind: .symbolicLink, linkName: outside))
            tar.append(TarEntry(path: "link/secret", kind: .regular), contents: [1])
        case .hardlinkOutside:
            tar.append(TarEntry(path: "stolen", kind: .hardLink, linkName: "../outside/secret"))
        case .hardlinkThroughSymlink:
            tar.append(TarEntry(path: "d", kind: .symbolicLink, linkName: outside))
            tar.append(TarEntry(path: "stolen", kind: .hardLink, linkName: "d/secret"))
        case .deviceNode:
            tar.append(TarEntry(path: "sda", kind: .blockDevice, mode: 0o600, deviceMajor: 8, deviceMinor: 0))
        case .symlinkOutThenDirectory:
            tar.append(TarEntry(path: "link", kind: .symbolicLink, linkName: "../outside"))
            tar.append(TarEntry(path: "link/sub/", kind: .directory))
        }
        return tar
    }
}

func clinuxMakedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
    (dev_t(major & 0xfff) << 8) | dev_t(minor & 0xff) | (dev_t(minor & ~0xff) << 12) | (dev_t(major & ~0xfff) << 32)
}
