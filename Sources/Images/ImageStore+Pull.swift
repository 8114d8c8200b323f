import Archive
import Linux

/// How to pull: platform, registries allowed over plain HTTP, credentials, timeouts, progress.
public struct PullOptions: Sendable {
    /// "linux/amd64" unless given ("linux/arm64/v8").
    public var platform: String?
    /// Registries (host[:port]) reachable over plain HTTP; loopback registries always are.
    public var insecureRegistries: Set<String>
    /// Explicit credentials; otherwise `$HOME/.docker/config.json` from `environment`.
    public var credentials: RegistryCredentials?
    /// HOME, SSL_CERT_FILE: the caller's environment, never the process's implicitly.
    public var environment: [String: String]
    /// Seconds to wait for a connection or for any bytes.
    public var timeout: Double
    public var progress: @Sendable (PullProgress) -> Void

    public init(
        platform: String? = nil, insecureRegistries: Set<String> = [], credentials: RegistryCredentials? = nil,
        environment: [String: String] = [:], timeout: Double = 30, progress: @escaping @Sendable (PullProgress) -> Void = { _ in }
    ) {
        self.platform = platform
        self.insecureRegistries = insecureRegistries
        self.credentials = credentials
        self.environment = environment
        self.timeout = timeout
        self.progress = progress
    }
}

/// One layer's state, for the CLI's progress view.
public struct PullProgress: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case waiting
        case alreadyExists
        case downloading(bytes: Int64, total: Int64)
        case complete
    }

    /// Short layer digest, as docker prints it.
    public var layer: String
    public var state: State
}

extension ImageStore {
    /// Pulls `reference` from its registry, storing blobs and unpacked layers, and tags it.
    public func pull(_ reference: String, options: PullOptions = PullOptions()) async throws(ImageError) -> ImageRecord {
        let ref = try ImageReference(parsing: reference)
        let platform = try options.platform.map { text throws(ImageError) in try Platform(parsing: text) } ?? .linuxAMD64
        let client = RegistryClient(reference: ref, options: options)
        let lock = try FileLock(gcLock, exclusive: false)
        defer { lock.release() }

        var (bytes, mediaType, _) = try client.manifest(ref.manifestReference)
        if MediaType.indexes.contains(mediaType) {
            let index = try JSON.decode(ImageIndex.self, from: bytes, what: "\(ref) index")
            let chosen = try PlatformSelector.select(from: index.manifests, platform: platform, image: ref.description)
            (bytes, mediaType, _) = try client.manifest(chosen.digest)
        }
        guard MediaType.manifests.contains(mediaType) else { throw .unsupportedMediaType(image: ref.description, mediaType: mediaType) }
        let manifest = try JSON.decode(Manifest.self, from: bytes, what: "\(ref) manifest")
        for layer in manifest.layers where !MediaType.layers.contains(layer.mediaType) {
            throw .unsupportedMediaType(image: ref.description, mediaType: layer.mediaType)
        }

        if !content.contains(manifest.config.digest) {
            let response = try client.blob(manifest.config.digest)
            defer { response.close() }
            let configBytes: [UInt8]
            do { configBytes = try response.body() } catch { throw .network(host: ref.domain, reason: "config: \(error)") }
            try content.write(configBytes, expected: manifest.config.digest)
        }
        let config = try JSON.decode(ImageConfig.self, from: try content.read(manifest.config.digest), what: "\(ref) config")
        guard config.rootfs.diffIDs.count == manifest.layers.count else {
            throw .invalidFormat(what: "\(ref)", reason: "config lists \(config.rootfs.diffIDs.count) layers, manifest \(manifest.layers.count)")
        }

        let jobs = Array(zip(manifest.layers, config.rootfs.diffIDs))
        for (layer, _) in jobs { options.progress(PullProgress(layer: Digest.short(layer.digest), state: .waiting)) }
        do {
            // Each download blocks on its socket; the group bounds parallelism to the cooperative pool.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (layer, diffID) in jobs {
                    group.addTask { try self.fetchLayer(layer, diffID: diffID, client: client, progress: options.progress) }
                }
                try await group.waitForAll()
            }
        } catch let error as ImageError {
            throw error
        } catch {
            throw .network(host: ref.domain, reason: "\(error)")
        }
        let image = try install(manifestBytes: bytes, references: [ref.description], what: ref.description)
        return image
    }

    private func fetchLayer(
        _ layer: Descriptor, diffID: String, client: RegistryClient, progress: @escaping @Sendable (PullProgress) -> Void
    ) throws(ImageError) {
        let short = Digest.short(layer.digest)
        if content.contains(layer.digest) && layers.contains(diffID) {
            progress(PullProgress(layer: short, state: .alreadyExists))
            return
        }
        var lastError: ImageError = .network(host: client.reference.domain, reason: "no attempt")
        for attempt in 0..<3 {
            if attempt > 0 { progress(PullProgress(layer: short, state: .waiting)) }
            do {
                try downloadLayer(layer, diffID: diffID, client: client, progress: progress)
                progress(PullProgress(layer: short, state: .complete))
                return
            } catch {
                lastError = error
                switch error {
                case .network, .timeout, .archive(_, .truncated): continue
                default: throw error
                }
            }
        }
        throw lastError
    }

    /// One pass over the network stream: blob hash, blob file, gunzip, diff-id hash and extraction together.
    private func downloadLayer(
        _ layer: Descriptor, diffID: String, client: RegistryClient, progress: @escaping @Sendable (PullProgress) -> Void
    ) throws(ImageError) {
        let response = try client.blob(layer.digest)
        defer { response.close() }
        let writer = try BlobWriter(store: content)
        let counted = ProgressSource(response, total: layer.size) {
            progress(PullProgress(layer: Digest.short(layer.digest), state: .downloading(bytes: $0, total: layer.size)))
        }
        let compressed = HashingSource(TeeSource(counted, into: writer.fd))
        let what = "\(client.reference) layer \(Digest.short(layer.digest))"
        do throws(ImageError) {
            if layers.contains(diffID) {
                do { try compressed.drain() } catch { throw ImageError.archive(what: what, error as? ArchiveError ?? .truncated("\(error)")) }
            } else {
                _ = try layers.unpack(compressed, expectedDiffID: diffID, what: what) { () throws(ImageError) in
                    let actual = compressed.digest()
                    if actual != layer.digest { throw .digestMismatch(what: what, expected: layer.digest, actual: actual) }
                }
            }
        } catch {
            writer.abandon()
            throw error
        }
        _ = try writer.commit(digest: compressed.digest(), size: compressed.byteCount, expected: layer.digest, expectedSize: layer.size)
    }
}

/// Reports bytes read about every 256 KiB.
final class ProgressSource: ByteSource {
    private let upstream: ByteSource
    private let report: (Int64) -> Void
    private var count: Int64 = 0
    private var lastReport: Int64 = 0

    init(_ upstream: ByteSource, total: Int64, report: @escaping (Int64) -> Void) {
        self.upstream = upstream
        self.report = report
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let got = try upstream.read(into: buffer)
        count += Int64(got)
        if count - lastReport >= 256 << 10 || got == 0 {
            lastReport = count
            report(count)
        }
        return got
    }
}
