import Glibc
import Linux

/// What an extraction may create and how it treats special names.
public struct ExtractOptions: Sendable {
    /// Character and block devices (other than whiteouts) are refused unless allowed.
    public var allowDeviceNodes: Bool
    /// OCI whiteouts (`.wh.name`, `.wh..wh..opq`) become overlayfs whiteouts (0/0 char devices,
    /// `trusted.overlay.opaque=y`); otherwise they are extracted as ordinary files.
    public var convertWhiteouts: Bool
    /// chown to the archive's uid/gid; only root can.
    public var preserveOwnership: Bool

    public init(allowDeviceNodes: Bool = false, convertWhiteouts: Bool = false, preserveOwnership: Bool = geteuid() == 0) {
        self.allowDeviceNodes = allowDeviceNodes
        self.convertWhiteouts = convertWhiteouts
        self.preserveOwnership = preserveOwnership
    }

    /// Image layers: whiteouts converted, device nodes kept as docker does.
    public static let imageLayer = ExtractOptions(allowDeviceNodes: true, convertWhiteouts: true)
}

/// Unpacks a tar stream below one directory. Every path is resolved relative to that directory's descriptor
/// with openat2(RESOLVE_BENEATH) (or a component walk with O_NOFOLLOW on old kernels), so `..`, absolute
/// paths, symlinks pointing out and hard links to outside files are refused before anything is written.
public final class Extractor {
    private let root: FileDescriptor
    private let rootPath: String
    private let options: ExtractOptions
    private var directoryTimes: [(path: String, time: (seconds: Int64, nanoseconds: Int64))] = []
    private var beneathAvailable = true

    public init(root: String, options: ExtractOptions = ExtractOptions()) throws(ArchiveError) {
        do {
            self.root = try FileDescriptor.open(root, [.readOnly, .directory])
        } catch { throw .system(path: root, error) }
        self.rootPath = root
        self.options = options
    }

    deinit { root.closeQuietly() }

    /// Extracts every entry of `reader`, then sets directory times (children change them while writing).
    public func extract(_ reader: TarReader) throws {
        while let entry = try reader.next() {
            try extract(entry, content: reader)
        }
        for (path, time) in directoryTimes.reversed() {
            guard let fd = try? open(components(path), create: false) else { continue }
            defer { fd.closeQuietly() }
            var times = Self.timespecs(time)
            _ = futimens(fd.rawValue, &times)
        }
        directoryTimes.removeAll()
    }

    private func extract(_ entry: TarEntry, content: ByteSource) throws {
        let parts = try validated(entry.path, for: entry.path)
        guard let name = parts.last else { return }  // "./": the root itself keeps its mode.
        let parentParts = Array(parts.dropLast())
        let parent = try open(parentParts, create: true, entry: entry.path)
        defer { parent.closeQuietly() }

        if options.convertWhiteouts && name.hasPrefix(".wh.") {
            try whiteout(name: name, parent: parent, entry: entry.path)
            return
        }
        try removeExisting(name, in: parent, keepDirectory: entry.kind == .directory, entry: entry.path)
        // Syscall failures become ArchiveError naming the entry.
        func sys(_ call: () throws -> Void) throws {
            do { try call() } catch let error as Errno { throw ArchiveError.system(path: entry.path, error) }
        }
        switch entry.kind {
        case .directory:
            try sys { if mkdirat(parent.rawValue, name, 0o700) != 0 && Errno.lastCode != EEXIST { throw Errno.current("mkdir") } }
            let fd = try openChild(name, in: parent, [.readOnly, .directory, .noFollow], entry: entry.path)
            defer { fd.closeQuietly() }
            try sys { try applyMetadata(entry, to: fd) }
            directoryTimes.append((parts.joined(separator: "/"), entry.modificationTime))
        case .regular:
            let fd = try openChild(name, in: parent, [.writeOnly, .create, .exclusive, .noFollow], mode: 0o600, entry: entry.path)
            defer { fd.closeQuietly() }
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try content.read(into: $0) }
                if count == 0 { break }
                try sys { try fd.writeAll(buffer[0..<count]) }
            }
            try sys { try applyMetadata(entry, to: fd) }
            var times = Self.timespecs(entry.modificationTime)
            try sys { try check(futimens(fd.rawValue, &times), "utimensat") }
        case .symbolicLink:
            // The target is stored verbatim: it is resolved later, inside the container's root.
            try sys { try check(symlinkat(entry.linkName, parent.rawValue, name), "symlink") }
            try sys { try applyLinkMetadata(entry, name: name, parent: parent) }
        case .hardLink:
            let targetParts = try validated(entry.linkName, for: entry.path)
            guard let targetName = targetParts.last else {
                throw ArchiveError.unsafeEntry(path: entry.path, reason: "hard link to the root directory")
            }
            let targetParent = try open(Array(targetParts.dropLast()), create: false, entry: entry.path)
            defer { targetParent.closeQuietly() }
            try sys { try check(linkat(targetParent.rawValue, targetName, parent.rawValue, name, 0), "link", entry.linkName) }
        case .characterDevice, .blockDevice, .fifo:
            if entry.kind != .fifo && !options.allowDeviceNodes {
                throw ArchiveError.unsafeEntry(path: entry.path, reason: "device nodes are not allowed here")
            }
            let type: mode_t = entry.kind == .fifo ? S_IFIFO : entry.kind == .blockDevice ? S_IFBLK : S_IFCHR
            let device = Device.number(major: entry.deviceMajor, minor: entry.deviceMinor)
            try sys { try check(mknodat(parent.rawValue, name, type | mode_t(entry.mode & 0o7777), device), "mknod") }
            try sys { try applyLinkMetadata(entry, name: name, parent: parent) }
            try sys { try check(fchmodat(parent.rawValue, name, mode_t(entry.mode & 0o7777), 0), "chmod") }
        }
    }

    /// Splits a member name into components, refusing absolute paths and `..` anywhere.
    private func validated(_ path: String, for entry: String) throws -> [String] {
        if path.hasPrefix("/") {
            throw ArchiveError.unsafeEntry(path: entry, reason: "absolute path \(path)")
        }
        var parts: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            if part == ".." { throw ArchiveError.unsafeEntry(path: entry, reason: "path \(path) leaves the root with '..'") }
            parts.append(String(part))
        }
        return parts
    }

    private func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }

    /// Opens a directory below the root, creating missing components when asked.
    private func open(_ parts: [String], create: Bool, entry: String = "") throws -> FileDescriptor {
        let path = parts.isEmpty ? "." : parts.joined(separator: "/")
        do {
            return try openDirectory(path)
        } catch let error where error.code == ENOENT && create {
            var prefix: [String] = []
            for part in parts {
                prefix.append(part)
                let joined = prefix.joined(separator: "/")
                do {
                    try openDirectory(joined).closeQuietly()
                } catch let inner where inner.code == ENOENT {
                    let parent = try open(Array(prefix.dropLast()), create: false, entry: entry)
                    defer { parent.closeQuietly() }
                    if mkdirat(parent.rawValue, part, 0o755) != 0 && Errno.lastCode != EEXIST {
                        throw ArchiveError.system(path: entry, Errno.current("mkdir", joined))
                    }
                } catch {
                    throw classify(error, entry: entry, path: joined)
                }
            }
            do { return try openDirectory(path) } catch { throw classify(error, entry: entry, path: path) }
        } catch {
            throw classify(error, entry: entry, path: path)
        }
    }

    private func classify(_ error: Errno, entry: String, path: String) -> ArchiveError {
        switch error.code {
        case EXDEV, ELOOP:
            return .unsafeEntry(path: entry, reason: "\(path) resolves outside the extraction root through a symbolic link")
        case ENOTDIR:
            return .unsafeEntry(path: entry, reason: "\(path) is not a directory")
        default:
            return .system(path: entry, error)
        }
    }

    private func openDirectory(_ path: String) throws(Errno) -> FileDescriptor {
        if beneathAvailable {
            do {
                return try root.openBeneath(path, [.readOnly, .directory])
            } catch where error.code == ENOSYS {
                beneathAvailable = false
            }
        }
        // Kernels without openat2: walk component by component and refuse any symlink on the way.
        var current = try FileDescriptor.open(".", [.readOnly, .directory], relativeTo: root)
        for part in components(path) {
            let next: FileDescriptor
            do {
                next = try FileDescriptor.open(part, [.readOnly, .directory, .noFollow], relativeTo: current)
            } catch {
                current.closeQuietly()
                throw error
            }
            current.closeQuietly()
            current = next
        }
        return current
    }

    private func openChild(
        _ name: String, in parent: FileDescriptor, _ flags: FileDescriptor.OpenFlags, mode: mode_t = 0o644, entry: String
    ) throws -> FileDescriptor {
        do {
            return try FileDescriptor.open(name, flags, mode: mode, relativeTo: parent)
        } catch {
            throw classify(error, entry: entry, path: name)
        }
    }

    /// A later entry replaces an earlier one of the same name; directories merge.
    private func removeExisting(_ name: String, in parent: FileDescriptor, keepDirectory: Bool, entry: String) throws {
        var st = stat()
        guard fstatat(parent.rawValue, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return }
        let isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
        if isDirectory && keepDirectory { return }
        if unlinkat(parent.rawValue, name, isDirectory ? AT_REMOVEDIR : 0) != 0 {
            throw ArchiveError.system(path: entry, Errno.current("unlink", name))
        }
    }

    private func whiteout(name: String, parent: FileDescriptor, entry: String) throws {
        if name == ".wh..wh..opq" {
            do { try parent.setExtendedAttribute("trusted.overlay.opaque", Array("y".utf8)) } catch {
                throw ArchiveError.system(path: entry, error)
            }
            return
        }
        // Other ".wh..wh." names are aufs bookkeeping with no overlay meaning.
        if name.hasPrefix(".wh..wh.") { return }
        let hidden = String(name.dropFirst(4))
        guard !hidden.isEmpty, hidden != ".", hidden != ".." else {
            throw ArchiveError.unsafeEntry(path: entry, reason: "whiteout names no file")
        }
        try removeExisting(hidden, in: parent, keepDirectory: false, entry: entry)
        if mknodat(parent.rawValue, hidden, S_IFCHR, Device.number(major: 0, minor: 0)) != 0 {
            throw ArchiveError.system(path: entry, Errno.current("mknod whiteout", hidden))
        }
    }

    private func applyMetadata(_ entry: TarEntry, to fd: FileDescriptor) throws(Errno) {
        if options.preserveOwnership {
            try check(fchown(fd.rawValue, uid_t(entry.uid), gid_t(entry.gid)), "chown")
        }
        // After chown, which clears set-id bits.
        try check(fchmod(fd.rawValue, mode_t(entry.mode & 0o7777)), "chmod")
        for (name, value) in entry.xattrs.sorted(by: { $0.key < $1.key }) {
            try fd.setExtendedAttribute(name, value)
        }
    }

    private func applyLinkMetadata(_ entry: TarEntry, name: String, parent: FileDescriptor) throws(Errno) {
        if options.preserveOwnership {
            try check(fchownat(parent.rawValue, name, uid_t(entry.uid), gid_t(entry.gid), AT_SYMLINK_NOFOLLOW), "chown")
        }
        var times = Self.timespecs(entry.modificationTime)
        try check(utimensat(parent.rawValue, name, &times, AT_SYMLINK_NOFOLLOW), "utimensat")
    }

    private static func timespecs(_ time: (seconds: Int64, nanoseconds: Int64)) -> [timespec] {
        let spec = timespec(tv_sec: Int(time.seconds), tv_nsec: Int(time.nanoseconds))
        return [spec, spec]
    }
}
