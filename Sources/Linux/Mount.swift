import CLinux
import Glibc

/// mount(2) flags as an option set.
public struct MountFlags: OptionSet, Sendable {
    public let rawValue: UInt
    public init(rawValue: UInt) { self.rawValue = rawValue }
    public static let readOnly = MountFlags(rawValue: UInt(MS_RDONLY))
    public static let noSuid = MountFlags(rawValue: UInt(MS_NOSUID))
    public static let noDev = MountFlags(rawValue: UInt(MS_NODEV))
    public static let noExec = MountFlags(rawValue: UInt(MS_NOEXEC))
    public static let remount = MountFlags(rawValue: UInt(MS_REMOUNT))
    public static let bind = MountFlags(rawValue: UInt(MS_BIND))
    public static let recursive = MountFlags(rawValue: UInt(MS_REC))
    public static let `private` = MountFlags(rawValue: UInt(MS_PRIVATE))
    public static let slave = MountFlags(rawValue: UInt(MS_SLAVE))
    public static let shared = MountFlags(rawValue: UInt(MS_SHARED))
    public static let strictAccessTime = MountFlags(rawValue: UInt(MS_STRICTATIME))
    public static let relativeAccessTime = MountFlags(rawValue: UInt(MS_RELATIME))
}

/// Thin wrappers over mount(2), umount2(2) and the fsopen/fsmount API.
public enum Mount {
    public static func mount(
        source: String?, target: String, type: String?, flags: MountFlags = [], data: String? = nil
    ) throws(Errno) {
        let result = withOptionalCString(source) { src in
            withOptionalCString(type) { fstype in
                withOptionalCString(data) { options in
                    Glibc.mount(src, target, fstype, flags.rawValue, options.map { UnsafeRawPointer($0) })
                }
            }
        }
        try check(result, "mount \(type ?? "bind")", target)
    }

    public static func bind(_ source: String, to target: String, recursive: Bool = true, readOnly: Bool = false) throws(Errno) {
        try mount(source: source, target: target, type: nil, flags: recursive ? [.bind, .recursive] : [.bind])
        // MS_RDONLY is ignored on the first bind; it takes a remount of the bind.
        if readOnly { try mount(source: nil, target: target, type: nil, flags: [.remount, .bind, .readOnly]) }
    }

    /// mount(2) onto the file or directory behind `target` (an O_PATH descriptor from `RootDirectory`), through
    /// its magic link, so no path is looked up again.
    public static func mount(
        source: String?, onto target: FileDescriptor, type: String?, flags: MountFlags = [], data: String? = nil
    ) throws(Errno) {
        try mount(source: source, target: target.procPath, type: type, flags: flags, data: data)
    }

    /// Binds `source` onto the file or directory behind `target` with open_tree and move_mount, and returns the
    /// new mount (its root) for later changes such as propagation; the caller closes it.
    public static func bind(
        _ source: String, onto target: FileDescriptor, recursive: Bool = true, readOnly: Bool = false
    ) throws(Errno) -> FileDescriptor {
        let tree = FileDescriptor(rawValue: try check(clinux_open_tree_clone(source, recursive ? 1 : 0), "open_tree", source))
        do {
            try check(clinux_move_mount_onto(tree.rawValue, target.rawValue), "move_mount", source)
            // MS_RDONLY is ignored on the first bind; it takes a remount of the bind.
            if readOnly { try mount(source: nil, target: tree.procPath, type: nil, flags: [.remount, .bind, .readOnly]) }
        } catch {
            tree.closeQuietly()
            throw error
        }
        return tree
    }

    /// Changes propagation of an existing mount (MS_SLAVE, MS_PRIVATE, MS_SHARED, optionally MS_REC).
    public static func setPropagation(_ target: String, _ flags: MountFlags) throws(Errno) {
        try mount(source: nil, target: target, type: nil, flags: flags)
    }

    public struct UnmountFlags: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let force = UnmountFlags(rawValue: Int32(MNT_FORCE))
        public static let detach = UnmountFlags(rawValue: Int32(MNT_DETACH))
        public static let noFollow = UnmountFlags(rawValue: Int32(UMOUNT_NOFOLLOW))
    }

    public static func unmount(_ target: String, _ flags: UnmountFlags = []) throws(Errno) {
        try check(umount2(target, flags.rawValue), "umount", target)
    }

    /// Mounts overlayfs with the new mount API: `lowerdir+` per layer has no option-length limit.
    /// `lowerDirs` is topmost first, as overlayfs wants it.
    public static func overlay(lowerDirs: [String], upperDir: String?, workDir: String?, target: String) throws(Errno) {
        let context = try check(clinux_fsopen("overlay", UInt32(FSOPEN_CLOEXEC)), "fsopen overlay", target)
        defer { close(context) }
        func set(_ key: String, _ value: String) throws(Errno) {
            try check(clinux_fsconfig(context, FSCONFIG_SET_STRING.rawValue, key, value, 0), "fsconfig \(key)", value)
        }
        for lower in lowerDirs { try set("lowerdir+", lower) }
        if let upperDir, let workDir {
            try set("upperdir", upperDir)
            try set("workdir", workDir)
        }
        try check(clinux_fsconfig(context, FSCONFIG_CMD_CREATE.rawValue, nil, nil, 0), "fsconfig create overlay", target)
        let mounted = try check(clinux_fsmount(context, UInt32(FSMOUNT_CLOEXEC), 0), "fsmount overlay", target)
        defer { close(mounted) }
        try check(
            clinux_move_mount(mounted, "", AT_FDCWD, target, UInt32(MOVE_MOUNT_F_EMPTY_PATH)), "move_mount overlay", target)
    }

    /// pivot_root(2) with the "new root over old root" idiom: the old root is stacked under "/" and detached.
    public static func pivotRoot(to newRoot: String) throws(Errno) {
        try check(chdir(newRoot), "chdir", newRoot)
        try check(clinux_pivot_root(".", "."), "pivot_root", newRoot)
        // The old root must not propagate the detach back to the host.
        try setPropagation(".", [.slave, .recursive])
        try unmount(".", .detach)
        try check(chdir("/"), "chdir", "/")
    }
}

@inline(__always)
func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}
