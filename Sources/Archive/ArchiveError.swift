import Linux

/// Why an archive could not be read or unpacked. Messages name the entry and what to do about it.
public enum ArchiveError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The stream ended in the middle of a header or an entry's content.
    case truncated(String)
    /// A header that is not tar: bad checksum, bad number field, unknown format.
    case malformed(String)
    /// gzip/zlib failed: corrupt data or an unsupported compression.
    case compression(String)
    /// The entry would write outside the extraction root or is not allowed there.
    case unsafeEntry(path: String, reason: String)
    /// A system call failed while writing the entry.
    case system(path: String, Errno)

    public var description: String {
        switch self {
        case .truncated(let what): return "archive truncated: \(what)"
        case .malformed(let what): return "not a valid tar archive: \(what)"
        case .compression(let what): return "cannot decompress: \(what)"
        case .unsafeEntry(let path, let reason): return "refused archive entry \(path): \(reason)"
        case .system(let path, let errno): return "extract \(path): \(errno)"
        }
    }
}
