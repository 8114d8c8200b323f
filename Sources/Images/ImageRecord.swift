/// One stored image as callers see it.
public struct ImageRecord: Sendable, Equatable {
    /// Normalised references pointing at this image ("docker.io/library/busybox:latest"); may be empty.
    public var references: [String]
    /// The image ID docker shows: the config blob's digest.
    public var id: String
    /// The manifest's digest.
    public var digest: String
    public var config: ImageConfig
    /// Uncompressed layer digests, lowest layer first.
    public var diffIDs: [String]
    /// Sum of the layer blobs' sizes.
    public var size: Int64

    public var reference: String? { references.first }
}
