import Archive
import Glibc
import Linux

/// Blobs by digest under `<images>/blobs/sha256/<hex>`. A blob appears only by rename after fsync and digest
/// verification, so a killed operation leaves at most a temporary file, never a half blob counted as present.
struct ContentStore: Sendable {
    let directory: String
    let temporary: String

    init(images: String) {
        directory = images + "/blobs/sha256"
        temporary = images + "/tmp"
    }

    func path(_ digest: String) -> String { directory + "/" + Digest.hex(digest) }

    func contains(_ digest: String) -> Bool { FileSystem.exists(path(digest)) }

    func read(_ digest: String) throws(ImageError) -> [UInt8] {
        do { return try FileSystem.readFile(path(digest)) } catch { throw .notFound(digest) }
    }

    /// Stores `bytes`, returning their digest.
    @discardableResult
    func write(_ bytes: [UInt8], expected: String? = nil) throws(ImageError) -> String {
        let writer = try BlobWriter(store: self)
        do { try writer.fd.writeAll(bytes) } catch {
            writer.abandon()
            throw .system(what: "write blob", error)
        }
        return try writer.commit(digest: "sha256:" + SHA256.hex(of: bytes), size: Int64(bytes.count), expected: expected, expectedSize: nil)
    }

    /// Every stored digest.
    func all() -> [String] {
        ((try? FileSystem.contents(of: directory)) ?? []).map { "sha256:" + $0 }
    }

    func remove(_ digest: String) { try? FileSystem.remove(path(digest)) }
}

/// A blob being written to a temporary file; `commit` verifies and publishes it, `abandon` deletes it.
final class BlobWriter {
    let fd: FileDescriptor
    let temporaryPath: String
    private let store: ContentStore

    init(store: ContentStore) throws(ImageError) {
        self.store = store
        temporaryPath = TemporaryName.make(in: store.temporary, suffix: "blob")
        do {
            try FileSystem.createDirectory(store.temporary)
            try FileSystem.createDirectory(store.directory)
            fd = try FileDescriptor.open(temporaryPath, [.writeOnly, .create, .exclusive], mode: 0o644)
        } catch {
            throw .system(what: "create blob in \(store.temporary)", error)
        }
    }

    func commit(digest: String, size: Int64, expected: String?, expectedSize: Int64?) throws(ImageError) -> String {
        if let expected, expected != digest {
            abandon()
            throw .digestMismatch(what: "blob \(expected)", expected: expected, actual: digest)
        }
        if let expectedSize, expectedSize != size {
            abandon()
            throw .sizeMismatch(what: "blob \(digest)", expected: expectedSize, actual: size)
        }
        do {
            try check(fsync(fd.rawValue), "fsync", temporaryPath)
            try fd.close()
            try check(rename(temporaryPath, store.path(digest)), "rename", store.path(digest))
        } catch {
            unlink(temporaryPath)
            throw .system(what: "store blob \(digest)", error)
        }
        return digest
    }

    func abandon() {
        fd.closeQuietly()
        unlink(temporaryPath)
    }
}

/// Temporary names carry the creating pid so prune can tell abandoned ones from ones in use.
enum TemporaryName {
    static func make(in directory: String, suffix: String) -> String {
        "\(directory)/\(getpid())-\(UInt64.random(in: 0...UInt64.max))-\(suffix)"
    }

    static func ownerIsAlive(_ name: String) -> Bool {
        guard let pid = Int32(name.split(separator: "-").first ?? "") else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
