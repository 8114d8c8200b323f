import Glibc
import Linux

/// The host's device nodes under /dev, which a `privileged: true` container gets as docker's do. Listed in the
/// supervisor before the clone (the child then only makes nodes); the devices cgroup allows them all then.
struct HostDevice: Sendable {
    /// Relative to /dev, e.g. "kmsg" or "snd/controlC0".
    let path: String
    let mode: mode_t
    let number: dev_t
    let owner: uid_t
    let group: gid_t

    /// Directories that are filesystems of the container's own (or runtime state), not devices.
    static let skipped: Set<String> = ["pts", "shm", "mqueue", "fd", ".lxc", ".lxd-mounts", ".udev"]

    static func list(under directory: String = "/dev", prefix: String = "") -> [HostDevice] {
        var result: [HostDevice] = []
        for name in ((try? FileSystem.contents(of: directory)) ?? []).sorted() where !skipped.contains(prefix + name) {
            var st = stat()
            guard lstat(directory + "/" + name, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                result += list(under: directory + "/" + name, prefix: prefix + name + "/")
            case S_IFCHR, S_IFBLK:
                result.append(HostDevice(path: prefix + name, mode: st.st_mode, number: st.st_rdev, owner: st.st_uid, group: st.st_gid))
            default:
                continue
            }
        }
        return result
    }
}
