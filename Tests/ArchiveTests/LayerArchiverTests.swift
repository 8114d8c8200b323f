import Archive
import Glibc
import Linux
import Testing

/// Overlay upper directories as layers (root: mknod and trusted.* xattrs need it).
@Suite struct LayerArchiverTests {
    @Test func whiteoutsAndOpaqueDirectoriesBecomeOCIEntriesAndBack() throws {
        let upper = TemporaryDirectory()
        let unpacked = TemporaryDirectory()
        defer {
            upper.remove()
            unpacked.remove()
        }
        try FileSystem.writeAtomically(upper.path + "/new", "content")
        #expect(link(upper.path + "/new", upper.path + "/again") == 0)
        #expect(mknod(upper.path + "/gone", S_IFCHR, 0) == 0)
        try FileSystem.createDirectory(upper.path + "/dir")
        let dir = try FileDescriptor.open(upper.path + "/dir", .directory)
        try dir.setExtendedAttribute("trusted.overlay.opaque", Array("y".utf8))
        dir.closeQuietly()
        try FileSystem.writeAtomically(upper.path + "/dir/kept", "x")
        #expect(symlink("new", upper.path + "/dir/link") == 0)

        var archiver = LayerArchiver()
        try archiver.appendOverlayUpper(upper.path)
        let tar = archiver.finish()
        let reader = TarReader(BytesSource(tar))
        var entries: [TarEntry] = []
        while let entry = try reader.next() {
            entries.append(entry)
            _ = try reader.readAll()
        }
        #expect(entries.map(\.path) == ["again", "dir/", "dir/.wh..wh..opq", "dir/kept", "dir/link", ".wh.gone", "new"])
        #expect(entries[6].kind == .hardLink && entries[6].linkName == "again")
        #expect(entries[4].kind == .symbolicLink && entries[4].linkName == "new")
        #expect(entries[1].xattrs.isEmpty)

        try Extractor(root: unpacked.path, options: .imageLayer).extract(TarReader(BytesSource(tar)))
        let whiteout = try #require(lstatOf(unpacked.path + "/gone"))
        #expect(whiteout.st_mode & S_IFMT == S_IFCHR && whiteout.st_rdev == 0)
        let opaque = try FileDescriptor.open(unpacked.path + "/dir", .directory)
        defer { opaque.closeQuietly() }
        #expect(try opaque.extendedAttribute("trusted.overlay.opaque") == Array("y".utf8))
        #expect(try FileSystem.readString(unpacked.path + "/again") == "content")
        #expect(!FileSystem.exists(unpacked.path + "/dir/.wh..wh..opq"))
    }
}
