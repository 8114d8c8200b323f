import Glibc
import Linux

/// `references.json`: normalised reference → manifest digest. Read-modify-write happens under an exclusive
/// flock so concurrent pulls from several CLI processes cannot lose each other's tags.
struct ReferenceTable: Sendable {
    let path: String
    let lockPath: String

    init(images: String) {
        path = images + "/references.json"
        lockPath = images + "/references.lock"
    }

    func load() -> [String: String] {
        guard let bytes = try? FileSystem.readFile(path),
            let table = try? JSON.decode([String: String].self, from: bytes, what: path)
        else { return [:] }
        return table
    }

    func update(_ change: (inout [String: String]) -> Void) throws(ImageError) {
        try withFileLock(lockPath, exclusive: true) { () throws(ImageError) in
            var table = load()
            change(&table)
            do throws(Errno) { try FileSystem.writeAtomically(path, JSON.encode(table)) } catch {
                throw .system(what: "save image references", error)
            }
        }
    }
}

/// Runs `body` holding flock on `path` (created when missing).
func withFileLock<T>(_ path: String, exclusive: Bool, _ body: () throws(ImageError) -> T) throws(ImageError) -> T {
    let lock = try FileLock(path, exclusive: exclusive)
    defer { lock.release() }
    return try body()
}

/// An flock held until `release()`: for async operations that cannot run inside a closure.
final class FileLock: Sendable {
    private let fd: FileDescriptor

    init(_ path: String, exclusive: Bool) throws(ImageError) {
        do {
            try FileSystem.createDirectory(FileSystem.parentPath(of: path))
            fd = try FileDescriptor.open(path, [.readWrite, .create], mode: 0o600)
        } catch { throw .system(what: "lock \(path)", error) }
        let descriptor = fd
        do {
            try retryingInterrupts("flock", path) { flock(descriptor.rawValue, exclusive ? LOCK_EX : LOCK_SH) }
        } catch {
            fd.closeQuietly()
            throw .system(what: "lock \(path)", error)
        }
    }

    func release() { fd.closeQuietly() }
}
