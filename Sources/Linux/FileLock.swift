import Glibc

/// An exclusive `flock` on a file: released when the descriptor closes, also when the holder is killed,
/// so a SIGKILLed command never leaves a project locked.
public struct FileLock: Sendable {
    public let descriptor: FileDescriptor
    public let path: String

    /// Blocks until the lock is ours; `onWait` runs once if someone else holds it.
    public static func acquire(_ path: String, onWait: () -> Void = {}) throws(Errno) -> FileLock {
        try FileSystem.createDirectory(FileSystem.parentPath(of: path))
        let fd = try FileDescriptor.open(path, [.readWrite, .create], mode: 0o600)
        if flock(fd.rawValue, LOCK_EX | LOCK_NB) != 0 {
            onWait()
            do {
                try retryingInterrupts("flock", path) { flock(fd.rawValue, LOCK_EX) }
            } catch {
                fd.closeQuietly()
                throw error
            }
        }
        return FileLock(descriptor: fd, path: path)
    }

    /// The lock if nobody holds it, nil if someone does.
    public static func tryAcquire(_ path: String) throws(Errno) -> FileLock? {
        let fd = try FileDescriptor.open(path, [.readWrite, .create], mode: 0o600)
        if flock(fd.rawValue, LOCK_EX | LOCK_NB) == 0 { return FileLock(descriptor: fd, path: path) }
        fd.closeQuietly()
        return nil
    }

    public func release() { descriptor.closeQuietly() }
}
