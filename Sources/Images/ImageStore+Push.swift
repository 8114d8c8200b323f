extension ImageStore {
    /// Pushes a stored image to `target` (default: its own reference): blobs by monolithic upload, then the
    /// manifest. Blobs are read whole into memory, which suits the images swcompose builds and tests push.
    public func push(_ source: String, to target: String? = nil, options: PullOptions = PullOptions()) throws(ImageError) {
        let image = try inspect(source)
        let ref = try ImageReference(parsing: target ?? image.reference ?? source)
        let client = RegistryClient(reference: ref, options: options)
        let bytes = try content.read(image.digest)
        let manifest = try JSON.decode(Manifest.self, from: bytes, what: "\(ref) manifest")
        for blob in manifest.layers + [manifest.config] {
            try client.upload(try content.read(blob.digest), digest: blob.digest)
        }
        try client.putManifest(bytes, mediaType: manifest.mediaType ?? MediaType.ociManifest, tag: ref.tag ?? "latest")
    }

    /// Stores `bytes` as an index or manifest blob and pushes it under `tag`: lets tests publish multi-platform indexes.
    public func pushManifest(_ bytes: [UInt8], mediaType: String, to target: String, options: PullOptions = PullOptions()) throws(ImageError) {
        let ref = try ImageReference(parsing: target)
        try RegistryClient(reference: ref, options: options).putManifest(bytes, mediaType: mediaType, tag: ref.tag ?? "latest")
    }
}
