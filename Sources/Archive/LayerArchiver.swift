import Glibc
import Linux

/// Writes host files into a layer tar: single nodes (a build's COPY) or a whole overlay upper directory,
/// whose whiteouts (0:0 character devices) become OCI `.wh.<name>` entries and whose opaque directories
/// (`trusted.overlay.opaque=y`) get a `.wh..wh..opq` entry.
public struct LayerArchiver {
    private var writer = TarWriter()
    /// Hard links inside one archive: (device, inode) → the first name written.
    private var linked: [String: String] = [:]

    public init() {}

    /// The finished archive.
    public mutating func finish() -> [UInt8] {
        writer.finish()
        return writer.bytes
    }

    /// Appends an entry that has no file behind it (a new directory).
    public mutating func append(_ entry: TarEntry) { writer.append(entry) }

    /// Appends the node at `path` (not following a final symlink) as `name`; a directory without its children.
    /// `owner` replaces the file's uid and gid (COPY into an image owns files by root unless told otherwise),
    /// `mode` its permission bits (COPY --chmod).
    public mutating func appendNode(_ path: String, as name: String, owner: (uid: Int, gid: Int)? = nil,
                                    mode replacement: UInt32? = nil) throws(ArchiveError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .system(path: path, Errno.current("lstat", path)) }
        let mode = info.st_mode & S_IFMT == S_IFLNK ? 0o777 : replacement ?? UInt32(info.st_mode & 0o7777)
        let time = (seconds: Int64(info.st_mtim.tv_sec), nanoseconds: Int64(0))
        var entry = TarEntry(path: name, kind: .regular, mode: mode, uid: owner?.uid ?? Int(info.st_uid),
                             gid: owner?.gid ?? Int(info.st_gid), modificationTime: time)
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            entry.kind = .directory
            entry.path = name.hasSuffix("/") ? name : name + "/"
            writer.append(entry)
        case S_IFLNK:
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(path, &buffer, buffer.count - 1)
            guard count >= 0 else { throw .system(path: path, Errno.current("readlink", path)) }
            entry.kind = .symbolicLink
            entry.linkName = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            writer.append(entry)
        case S_IFREG:
            let key = "\(info.st_dev):\(info.st_ino)"
            if info.st_nlink > 1, let first = linked[key] {
                entry.kind = .hardLink
                entry.linkName = first
                writer.append(entry)
                return
            }
            if info.st_nlink > 1 { linked[key] = name }
            let bytes: [UInt8]
            do { bytes = try FileSystem.readFile(path) } catch { throw .system(path: path, error) }
            writer.append(entry, contents: bytes)
        case S_IFCHR, S_IFBLK:
            entry.kind = info.st_mode & S_IFMT == S_IFCHR ? .characterDevice : .blockDevice
            entry.deviceMajor = Device.major(info.st_rdev)
            entry.deviceMinor = Device.minor(info.st_rdev)
            writer.append(entry)
        case S_IFIFO:
            entry.kind = .fifo
            writer.append(entry)
        default:
            throw .unsafeEntry(path: path, reason: "sockets cannot be stored in a layer")
        }
    }

    /// Appends everything below `directory` (an overlay upper dir), names relative to it, whiteouts converted.
    public mutating func appendOverlayUpper(_ directory: String, prefix: String = "") throws(ArchiveError) {
        let children: [String]
        do { children = try FileSystem.contents(of: directory).sorted() } catch { throw .system(path: directory, error) }
        for child in children {
            let path = directory + "/" + child
            let name = prefix + child
            var info = stat()
            guard lstat(path, &info) == 0 else { throw .system(path: path, Errno.current("lstat", path)) }
            if info.st_mode & S_IFMT == S_IFCHR && info.st_rdev == 0 {
                writer.append(TarEntry(path: prefix + ".wh." + child, kind: .regular, mode: 0o644))
                continue
            }
            try appendNode(path, as: name)
            guard info.st_mode & S_IFMT == S_IFDIR else { continue }
            if try Self.isOpaque(path) {
                writer.append(TarEntry(path: name + "/.wh..wh..opq", kind: .regular, mode: 0o644))
            }
            try appendOverlayUpper(path, prefix: name + "/")
        }
    }

    private static func isOpaque(_ directory: String) throws(ArchiveError) -> Bool {
        do {
            let fd = try FileDescriptor.open(directory, [.directory, .noFollow])
            defer { fd.closeQuietly() }
            return try fd.extendedAttribute("trusted.overlay.opaque") == Array("y".utf8)
        } catch {
            throw .system(path: directory, error)
        }
    }
}
