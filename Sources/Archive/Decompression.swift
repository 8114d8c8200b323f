/// Serves already-read leading bytes before the rest of `upstream`: lets a caller sniff a format.
public final class PrefixedSource: ByteSource {
    private let prefix: BytesSource
    private let upstream: ByteSource
    private var prefixDone = false

    public init(_ prefix: [UInt8], _ upstream: ByteSource) {
        self.prefix = BytesSource(prefix)
        self.upstream = upstream
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if !prefixDone {
            let count = try prefix.read(into: buffer)
            if count > 0 { return count }
            prefixDone = true
        }
        return try upstream.read(into: buffer)
    }
}

/// The uncompressed bytes of a layer or archive, whatever its compression (detected by magic number).
public func decompressing(_ upstream: ByteSource) throws -> ByteSource {
    let head = try upstream.read(exactly: 4)
    let source = PrefixedSource(head, upstream)
    if head.count >= 2 && head[0] == 0x1f && head[1] == 0x8b { return try GzipSource(source) }
    if head == [0x28, 0xb5, 0x2f, 0xfd] { throw ArchiveError.compression("zstd-compressed layers are not supported yet") }
    return source
}
