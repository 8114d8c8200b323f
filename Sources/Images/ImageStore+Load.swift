import Archive
import Glibc
import Linux

extension ImageStore {
    /// Loads a `docker save` archive or an OCI image layout archive (optionally gzip-compressed).
    /// Returns the references it tagged (the image ID when an image carries no name).
    public func load(archive path: String) throws(ImageError) -> [String] {
        try withFileLock(gcLock, exclusive: false) { () throws(ImageError) in
            let files = try ingestMembers(of: path)
            if let manifestPath = files["manifest.json"] {
                return try loadDockerSave(manifestPath, files: files, archive: path)
            }
            if let indexPath = files["index.json"] {
                return try loadOCILayout(indexPath, archive: path)
            }
            throw .invalidFormat(what: path, reason: "neither a docker save archive (manifest.json) nor an OCI layout (index.json)")
        }
    }

    /// Stores every regular member as a blob: one pass, constant memory. Returns member path → digest.
    private func ingestMembers(of path: String) throws(ImageError) -> [String: String] {
        let fd: FileDescriptor
        do throws(Errno) { fd = try FileDescriptor.open(path, .readOnly) } catch { throw .system(what: "open \(path)", error) }
        defer { fd.closeQuietly() }
        var files: [String: String] = [:]
        do {
            let reader = TarReader(try decompressing(FileSource(fd)))
            while let entry = try reader.next() {
                guard entry.kind == .regular else { continue }
                let writer = try BlobWriter(store: content)
                let hashing = HashingSource(TeeSource(reader, into: writer.fd))
                do { try hashing.drain() } catch {
                    writer.abandon()
                    throw error
                }
                let name = entry.path.hasPrefix("./") ? String(entry.path.dropFirst(2)) : entry.path
                files[name] = try writer.commit(digest: hashing.digest(), size: hashing.byteCount, expected: nil, expectedSize: nil)
            }
        } catch let error as ImageError {
            throw error
        } catch let error as ArchiveError {
            throw .archive(what: path, error)
        } catch {
            throw .invalidFormat(what: path, reason: "\(error)")
        }
        return files
    }

    private struct DockerSaveEntry: Decodable {
        var config: String
        var repoTags: [String]?
        var layers: [String]
        enum CodingKeys: String, CodingKey {
            case config = "Config"
            case repoTags = "RepoTags"
            case layers = "Layers"
        }
    }

    private func loadDockerSave(_ manifestDigest: String, files: [String: String], archive: String) throws(ImageError) -> [String] {
        let entries = try JSON.decode([DockerSaveEntry].self, from: try content.read(manifestDigest), what: "\(archive) manifest.json")
        var loaded: [String] = []
        for entry in entries {
            guard let configDigest = files[entry.config] else {
                throw .invalidFormat(what: archive, reason: "missing config \(entry.config)")
            }
            var descriptors: [Descriptor] = []
            for layerPath in entry.layers {
                guard let digest = files[layerPath] else { throw .invalidFormat(what: archive, reason: "missing layer \(layerPath)") }
                let size = Int64((try? FileSystem.readFile(content.path(digest)).count) ?? 0)
                descriptors.append(Descriptor(mediaType: try layerMediaType(digest), digest: digest, size: size))
            }
            let configSize = Int64((try? content.read(configDigest).count) ?? 0)
            let manifest = Manifest(
                mediaType: MediaType.dockerManifest,
                config: Descriptor(mediaType: MediaType.dockerConfig, digest: configDigest, size: configSize),
                layers: descriptors)
            var refs: [String] = []
            for tag in entry.repoTags ?? [] { refs.append(try ImageReference(parsing: tag).description) }
            let image = try install(manifestBytes: JSON.encode(manifest), references: refs, what: archive)
            loaded += refs.isEmpty ? [image.id] : refs
        }
        return loaded
    }

    private func loadOCILayout(_ indexDigest: String, archive: String) throws(ImageError) -> [String] {
        let index = try JSON.decode(ImageIndex.self, from: try content.read(indexDigest), what: "\(archive) index.json")
        var loaded: [String] = []
        for descriptor in index.manifests {
            let (manifestDescriptor, bytes) = try resolveStored(descriptor, what: archive)
            let annotations = (descriptor.annotations ?? [:]).merging(manifestDescriptor.annotations ?? [:]) { a, _ in a }
            var refs: [String] = []
            if let name = annotations["io.containerd.image.name"] ?? annotations["org.opencontainers.image.ref.name"],
                let reference = try? ImageReference(parsing: name)
            {
                refs.append(reference.description)
            }
            let image = try install(manifestBytes: bytes, references: refs, what: archive)
            loaded += refs.isEmpty ? [image.id] : refs
        }
        return loaded
    }

    /// Follows a stored index to the linux/amd64 manifest and checks the blob against its descriptor.
    private func resolveStored(_ descriptor: Descriptor, what: String) throws(ImageError) -> (Descriptor, [UInt8]) {
        let bytes = try content.read(descriptor.digest)
        guard "sha256:" + SHA256.hex(of: bytes) == descriptor.digest else {
            throw .digestMismatch(what: "\(what) manifest", expected: descriptor.digest, actual: "sha256:" + SHA256.hex(of: bytes))
        }
        if MediaType.indexes.contains(descriptor.mediaType) {
            let index = try JSON.decode(ImageIndex.self, from: bytes, what: "\(what) index")
            let chosen = try PlatformSelector.select(from: index.manifests, platform: .linuxAMD64, image: what)
            return try resolveStored(chosen, what: what)
        }
        guard MediaType.manifests.contains(descriptor.mediaType) else {
            throw .unsupportedMediaType(image: what, mediaType: descriptor.mediaType)
        }
        return (descriptor, bytes)
    }

    private func layerMediaType(_ digest: String) throws(ImageError) -> String {
        let fd: FileDescriptor
        do { fd = try FileDescriptor.open(content.path(digest), .readOnly) } catch { throw .notFound(digest) }
        defer { fd.closeQuietly() }
        let head = (try? FileSource(fd).read(exactly: 2)) ?? []
        return head == [0x1f, 0x8b] ? MediaType.ociLayerGzip : MediaType.ociLayer
    }

    /// Like `docker import`: a root filesystem tar (optionally gzip) becomes a one-layer image.
    public func `import`(rootfsTar path: String, reference: String?, config: ContainerConfig? = nil) throws(ImageError) -> ImageRecord {
        let refs = try reference.map { text throws(ImageError) in [try ImageReference(parsing: text).description] } ?? []
        return try withFileLock(gcLock, exclusive: false) { () throws(ImageError) in
            let fd: FileDescriptor
            do throws(Errno) { fd = try FileDescriptor.open(path, .readOnly) } catch { throw .system(what: "open \(path)", error) }
            defer { fd.closeQuietly() }
            let writer = try BlobWriter(store: content)
            let compressed = HashingSource(TeeSource(FileSource(fd), into: writer.fd))
            let diffID: String
            do throws(ImageError) { diffID = try layers.unpack(compressed, expectedDiffID: nil, what: path) } catch {
                writer.abandon()
                throw error
            }
            let blob = try writer.commit(digest: compressed.digest(), size: compressed.byteCount, expected: nil, expectedSize: nil)
            let imageConfig = ImageConfig(config: config, rootfs: .init(diffIDs: [diffID]))
            let configBytes = JSON.encode(imageConfig)
            let configDigest = try content.write(configBytes)
            let manifest = Manifest(
                config: Descriptor(mediaType: MediaType.ociConfig, digest: configDigest, size: Int64(configBytes.count)),
                layers: [Descriptor(mediaType: try layerMediaType(blob), digest: blob, size: compressed.byteCount)])
            return try install(manifestBytes: JSON.encode(manifest), references: refs, what: path)
        }
    }
}

/// Picks one manifest of an index for a platform.
enum PlatformSelector {
    static func select(from manifests: [Descriptor], platform: Platform, image: String) throws(ImageError) -> Descriptor {
        let candidates = manifests.filter { $0.platform?.os == platform.os && $0.platform?.architecture == platform.architecture }
        if let variant = platform.variant, let exact = candidates.first(where: { $0.platform?.variant == variant }) {
            return exact
        }
        if let first = candidates.first { return first }
        throw .noMatchingPlatform(
            image: image, platform: platform.description,
            available: manifests.compactMap { $0.platform?.description }.filter { $0 != "unknown/unknown" })
    }
}
