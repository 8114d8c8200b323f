import Archive
import Glibc
import Linux

/// The image store under `StateRoot.images`: blobs, unpacked layers, references.
/// Ingesting operations hold `gc.lock` shared and prune holds it exclusively, so prune never deletes
/// blobs a concurrent pull has written but not yet tagged.
public struct ImageStore: Sendable {
    public let directory: String
    let content: ContentStore
    let layers: LayerStore
    let references: ReferenceTable

    public init(root: StateRoot) {
        directory = root.images
        content = ContentStore(images: root.images)
        layers = LayerStore(images: root.images)
        references = ReferenceTable(images: root.images)
    }

    var gcLock: String { directory + "/gc.lock" }

    // MARK: Reading

    public func list() -> [ImageRecord] {
        var byManifest: [String: [String]] = [:]
        for (reference, digest) in references.load() { byManifest[digest, default: []].append(reference) }
        return byManifest.compactMap { digest, refs in try? record(manifest: digest, references: refs.sorted()) }
            .sorted { ($0.reference ?? $0.id) < ($1.reference ?? $1.id) }
    }

    /// Finds an image by reference ("busybox", "localhost:5000/x:1"), by ID or by an ID prefix of 4+ hex digits.
    public func inspect(_ text: String) throws(ImageError) -> ImageRecord {
        let table = references.load()
        if let reference = try? ImageReference(parsing: text), let digest = table[reference.description] {
            return try record(manifest: digest, references: table.filter { $0.value == digest }.keys.sorted())
        }
        let hex = text.hasPrefix("sha256:") ? String(text.dropFirst(7)) : text
        if hex.count >= 4, hex.allSatisfy(\.isHexDigit) {
            for image in list() where Digest.hex(image.id).hasPrefix(hex) || Digest.hex(image.digest).hasPrefix(hex) {
                return image
            }
        }
        throw .notFound(text)
    }

    /// Overlay lower directories for `image`, topmost layer first, as overlayfs's lowerdir wants them.
    public func lowerDirs(for image: ImageRecord) -> [String] {
        image.diffIDs.reversed().map { layers.lowerDir($0) }
    }

    /// The unpacked directory of one layer.
    public func layerDirectory(_ diffID: String) -> String { layers.directory(diffID) + "/diff" }

    func record(manifest digest: String, references refs: [String]) throws(ImageError) -> ImageRecord {
        let manifest = try JSON.decode(Manifest.self, from: try content.read(digest), what: "manifest \(digest)")
        let config = try JSON.decode(ImageConfig.self, from: try content.read(manifest.config.digest), what: "image config \(manifest.config.digest)")
        return ImageRecord(
            references: refs, id: manifest.config.digest, digest: digest, config: config,
            diffIDs: config.rootfs.diffIDs, size: manifest.layers.reduce(0) { $0 + $1.size })
    }

    // MARK: Writing

    /// Points `reference` at a stored manifest.
    public func tag(_ image: ImageRecord, as reference: String) throws(ImageError) {
        let normalised = try ImageReference(parsing: reference).description
        try references.update { $0[normalised] = image.digest }
    }

    /// Untags `text`; when nothing refers to the image any more, its blobs and layers are pruned.
    /// `usedBy` receives the image ID and names a container using it, which makes removal fail.
    @discardableResult
    public func remove(_ text: String, force: Bool = false, usedBy: (String) -> String?) throws(ImageError) -> [String] {
        let image = try inspect(text)
        if !force, let container = usedBy(image.id) { throw .inUse(image: text, container: container) }
        let named = try? ImageReference(parsing: text).description
        let untag = named.map { image.references.contains($0) } == true ? [named!] : image.references
        try references.update { table in for reference in untag { table.removeValue(forKey: reference) } }
        _ = try prune()
        return untag
    }

    public struct PruneReport: Sendable, Equatable {
        public var blobs: [String] = []
        public var layers: [String] = []
    }

    /// Deletes blobs and layers no reference reaches, dangling layer aliases and abandoned temporary files.
    public func prune() throws(ImageError) -> PruneReport {
        try withFileLock(gcLock, exclusive: true) { () throws(ImageError) in
            var liveBlobs = Set<String>()
            var liveLayers = Set<String>()
            for digest in Set(references.load().values) {
                liveBlobs.insert(digest)
                guard let bytes = try? content.read(digest),
                    let manifest = try? JSON.decode(Manifest.self, from: bytes, what: digest)
                else { continue }
                liveBlobs.insert(manifest.config.digest)
                manifest.layers.forEach { liveBlobs.insert($0.digest) }
                if let config = try? JSON.decode(ImageConfig.self, from: content.read(manifest.config.digest), what: "") {
                    config.rootfs.diffIDs.forEach { liveLayers.insert($0) }
                }
            }
            var report = PruneReport()
            for blob in content.all() where !liveBlobs.contains(blob) {
                content.remove(blob)
                report.blobs.append(blob)
            }
            for layer in layers.all() where !liveLayers.contains(layer) {
                do throws(Errno) { try layers.remove(layer) } catch { throw .system(what: "remove layer \(layer)", error) }
                report.layers.append(layer)
            }
            layers.removeDanglingLinks()
            for name in (try? FileSystem.contents(of: content.temporary)) ?? [] where !TemporaryName.ownerIsAlive(name) {
                try? FileSystem.removeTree(content.temporary + "/" + name)
            }
            return report
        }
    }

    /// Ensures every layer of `manifest` is unpacked from stored blobs, then stores the manifest and tags it.
    func install(manifestBytes: [UInt8], references refs: [String], what: String) throws(ImageError) -> ImageRecord {
        let manifest = try JSON.decode(Manifest.self, from: manifestBytes, what: "\(what) manifest")
        let config = try JSON.decode(ImageConfig.self, from: try content.read(manifest.config.digest), what: "\(what) config")
        guard config.rootfs.diffIDs.count == manifest.layers.count else {
            throw .invalidFormat(what: what, reason: "config lists \(config.rootfs.diffIDs.count) layers, manifest \(manifest.layers.count)")
        }
        for (layer, diffID) in zip(manifest.layers, config.rootfs.diffIDs) where !layers.contains(diffID) {
            try unpackStoredBlob(layer, diffID: diffID, what: "\(what) layer \(Digest.short(layer.digest))")
        }
        let digest = try content.write(manifestBytes)
        let normalised = refs
        try references.update { table in for reference in normalised { table[reference] = digest } }
        return try record(manifest: digest, references: normalised)
    }

    func unpackStoredBlob(_ layer: Descriptor, diffID: String?, what: String) throws(ImageError) {
        guard layers.contains(diffID ?? "") == false else { return }
        let fd: FileDescriptor
        do { fd = try FileDescriptor.open(content.path(layer.digest), .readOnly) } catch { throw .notFound("\(what) blob \(layer.digest)") }
        defer { fd.closeQuietly() }
        _ = try layers.unpack(FileSource(fd), expectedDiffID: diffID, what: what)
    }
}
