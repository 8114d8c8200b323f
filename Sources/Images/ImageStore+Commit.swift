import Archive
import Linux

extension ImageStore {
    /// A layer stored by a build: its compressed blob and its uncompressed digest.
    public struct StoredLayer: Codable, Sendable, Equatable {
        public let diffID: String
        public let descriptor: Descriptor
    }

    /// Held while a build assembles layers that no tag reaches yet, so a concurrent prune cannot delete them.
    public struct PruneGuard: Sendable {
        let lock: FileLock
        public func release() { lock.release() }
    }

    public func guardAgainstPrune() throws(ImageError) -> PruneGuard {
        PruneGuard(lock: try FileLock(gcLock, exclusive: false))
    }

    /// Stores an uncompressed layer tar as a gzip blob and unpacks it into the layer store.
    public func addLayer(tar: [UInt8], what: String) throws(ImageError) -> StoredLayer {
        try withFileLock(gcLock, exclusive: false) { () throws(ImageError) in
            let compressed: [UInt8]
            do throws(ArchiveError) { compressed = try Gzip.compress(tar) } catch { throw .archive(what: what, error) }
            let blob = try content.write(compressed)
            let descriptor = Descriptor(mediaType: MediaType.ociLayerGzip, digest: blob, size: Int64(compressed.count))
            let diffID = "sha256:" + SHA256.hex(of: tar)
            try unpackStoredBlob(descriptor, diffID: diffID, what: what)
            return StoredLayer(diffID: diffID, descriptor: descriptor)
        }
    }

    /// The layer blobs of a stored image, lowest first, paired with their diff-ids.
    public func layers(of image: ImageRecord) throws(ImageError) -> [StoredLayer] {
        let manifest = try JSON.decode(Manifest.self, from: try content.read(image.digest), what: "manifest \(image.digest)")
        return zip(image.diffIDs, manifest.layers).map { StoredLayer(diffID: $0, descriptor: $1) }
    }

    /// Whether a layer is still stored (unpacked, and its blob present): a build cache entry may outlive it.
    public func contains(_ layer: StoredLayer) -> Bool {
        layers.contains(layer.diffID) && content.contains(layer.descriptor.digest)
    }

    /// The overlay lower directory of one stored layer.
    public func lowerDir(_ diffID: String) -> String { layers.lowerDir(diffID) }

    /// Writes `config` (its rootfs set from `layers`) and a manifest, and tags it with `references`.
    public func commit(config: ImageConfig, layers stored: [StoredLayer], references refs: [String]) throws(ImageError) -> ImageRecord {
        var config = config
        config.rootfs = .init(diffIDs: stored.map(\.diffID))
        let normalised = try refs.map { text throws(ImageError) in try ImageReference(parsing: text).description }
        return try withFileLock(gcLock, exclusive: false) { () throws(ImageError) in
            let configBytes = JSON.encode(config)
            let configDigest = try content.write(configBytes)
            let manifest = Manifest(
                config: Descriptor(mediaType: MediaType.ociConfig, digest: configDigest, size: Int64(configBytes.count)),
                layers: stored.map(\.descriptor))
            return try install(manifestBytes: JSON.encode(manifest), references: normalised, what: "built image")
        }
    }
}
