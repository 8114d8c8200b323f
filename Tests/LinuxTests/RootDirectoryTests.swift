import Glibc
import Linux
import Testing

/// `RootDirectory` against a hostile tree: symlinks that aim at a host directory outside the root must resolve,
/// and create, inside the root; the host directory stays untouched.
struct RootDirectoryTests {
    let directory: String
    let outside: String
    let root: String

    init() throws {
        var template = Array("/tmp/swc-rootdir-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Errno.current("mkdtemp") }
        directory = String(cString: made)
        outside = directory + "/outside"
        root = directory + "/root"
        try FileSystem.createDirectory(outside)
        try FileSystem.createDirectory(root + "/etc")
        symlink(outside, root + "/absolute")
        symlink(String(repeating: "../", count: 12) + outside.dropFirst(), root + "/relative")
        symlink("/etc/../../../absolute/hosts", root + "/etc/hosts")
        symlink("loop", root + "/loop")
    }

    private func cleanUp() { try? FileSystem.removeTree(directory) }

    private func identity(_ fd: FileDescriptor) throws -> [UInt] {
        var info = stat()
        try check(fstat(fd.rawValue, &info), "fstat")
        return [UInt(info.st_dev), UInt(info.st_ino)]
    }

    private func identity(_ path: String) throws -> [UInt] {
        var info = stat()
        try check(lstat(path, &info), "lstat", path)
        return [UInt(info.st_dev), UInt(info.st_ino)]
    }

    @Test func symlinksOutOfTheRootAreFollowedInsideItWhenCreating() throws {
        defer { cleanUp() }
        let rootDirectory = try RootDirectory(root)
        defer { rootDirectory.close() }
        let inRoot = root + outside

        let data = try rootDirectory.create("/absolute/data", .directory)
        defer { data.closeQuietly() }
        #expect(try identity(data) == identity(inRoot + "/data"))
        #expect(FileSystem.isDirectory(inRoot + "/data"))

        let escaped = try rootDirectory.create("relative/sub/file", .file)
        defer { escaped.closeQuietly() }
        #expect(try identity(escaped) == identity(inRoot + "/sub/file"))

        let hosts = try rootDirectory.create("/etc/hosts", .file)
        defer { hosts.closeQuietly() }
        #expect(try identity(hosts) == identity(inRoot + "/hosts"))

        #expect(try FileSystem.contents(of: outside).isEmpty)
    }

    @Test func openResolvesInTheRootAndCreatesNothing() throws {
        defer { cleanUp() }
        let rootDirectory = try RootDirectory(root)
        defer { rootDirectory.close() }
        // The host directory exists, its namesake inside the root does not.
        #expect(throws: Errno.self) { try rootDirectory.open("/absolute") }
        #expect(!FileSystem.exists(root + outside))

        let above = try rootDirectory.create("/../../up", .directory)
        defer { above.closeQuietly() }
        #expect(try identity(above) == identity(root + "/up"))
        let again = try rootDirectory.open("/up/../../up")
        defer { again.closeQuietly() }
        #expect(try identity(again) == identity(root + "/up"))
    }

    @Test func aSymlinkLoopFailsWithELOOP() throws {
        defer { cleanUp() }
        let rootDirectory = try RootDirectory(root)
        defer { rootDirectory.close() }
        let error = #expect(throws: Errno.self) { try rootDirectory.create("/loop/x", .directory) }
        #expect(error?.code == ELOOP)
    }
}
