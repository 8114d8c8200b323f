import Archive
import Glibc
import Linux

/// Unpacked layers by diff-id under `<images>/layers/<hex>/diff`, each with a short alias `<images>/l/<26 chars>`
/// (like docker's overlay2) so that many lower directories fit into one overlay mount option.
struct LayerStore: Sendable {
    let images: String
    var layers: String { images + "/layers" }
    var links: String { images + "/l" }

    func directory(_ diffID: String) -> String { layers + "/" + Digest.hex(diffID) }

    func contains(_ diffID: String) -> Bool { FileSystem.exists(directory(diffID) + "/link") }

    /// `<images>/l/<short>`, or the long path if the alias cannot be read.
    func lowerDir(_ diffID: String) -> String {
        if let short = try? FileSystem.readString(directory(diffID) + "/link"), !short.isEmpty {
            return links + "/" + short
        }
        return directory(diffID) + "/diff"
    }

    /// Unpacks a layer blob's tar stream into a temporary directory, verifying the diff-id while extracting,
    /// then publishes it by rename. `source` is the blob's raw (possibly compressed) bytes.
    func unpack(
        _ source: ByteSource, expectedDiffID: String?, what: String, beforePublish: () throws(ImageError) -> Void = {}
    ) throws(ImageError) -> String {
        let temporary = TemporaryName.make(in: images + "/tmp", suffix: "layer")
        do {
            try FileSystem.createDirectory(temporary + "/diff")
            try FileSystem.createDirectory(layers)
            try FileSystem.createDirectory(links)
        } catch { throw .system(what: "create layer directory", error) }
        do {
            let uncompressed = HashingSource(try decompressing(source))
            try Extractor(root: temporary + "/diff", options: .imageLayer).extract(TarReader(uncompressed))
            try uncompressed.drain()
            try source.drain()
            let diffID = uncompressed.digest()
            if let expectedDiffID, expectedDiffID != diffID {
                throw ImageError.digestMismatch(what: "\(what) uncompressed content", expected: expectedDiffID, actual: diffID)
            }
            try beforePublish()
            try publish(temporary, diffID: diffID)
            return diffID
        } catch {
            try? FileSystem.removeTree(temporary)
            switch error {
            case let error as ImageError: throw error
            case let error as ArchiveError: throw .archive(what: what, error)
            case let error as Errno: throw .system(what: what, error)
            default: throw .invalidFormat(what: what, reason: "\(error)")
            }
        }
    }

    private func publish(_ temporary: String, diffID: String) throws {
        let final = directory(diffID)
        if contains(diffID) {
            try FileSystem.removeTree(temporary)
            return
        }
        let short = Self.shortName()
        // The alias exists before the layer does: a crash in between leaves only a dangling link for prune.
        try check(symlink("../layers/\(Digest.hex(diffID))/diff", links + "/" + short), "symlink", short)
        try FileSystem.writeAtomically(temporary + "/link", short)
        if rename(temporary, final) != 0 {
            let code = errno
            unlink(links + "/" + short)
            if (code == EEXIST || code == ENOTEMPTY) && contains(diffID) {
                try FileSystem.removeTree(temporary)
                return
            }
            throw Errno(code, call: "rename", subject: final)
        }
    }

    func all() -> [String] {
        ((try? FileSystem.contents(of: layers)) ?? []).map { "sha256:" + $0 }
    }

    func remove(_ diffID: String) throws(Errno) {
        if let short = try? FileSystem.readString(directory(diffID) + "/link"), !short.isEmpty {
            unlink(links + "/" + short)
        }
        try FileSystem.removeTree(directory(diffID))
    }

    /// Aliases whose layer is gone (an interrupted unpack or a removed layer).
    func removeDanglingLinks() {
        for name in (try? FileSystem.contents(of: links)) ?? [] where !FileSystem.exists(links + "/" + name) {
            unlink(links + "/" + name)
        }
    }

    private static func shortName() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return String((0..<26).map { _ in alphabet.randomElement()! })
    }
}
