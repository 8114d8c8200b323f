/// "sha256:<64 lowercase hex>": the only algorithm the store accepts.
public enum Digest {
    public static func validate(_ digest: String) throws(ImageError) -> String {
        guard let hex = digest.split(separator: ":", maxSplits: 1).last, digest.hasPrefix("sha256:"), hex.count == 64,
            hex.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) })
        else { throw .invalidFormat(what: "digest \(digest)", reason: "expected sha256:<64 hex digits>") }
        return String(hex)
    }

    /// The hex part, for file names.
    public static func hex(_ digest: String) -> String {
        String(digest.split(separator: ":", maxSplits: 1).last ?? "")
    }

    /// "abcdef012345": the short form docker shows.
    public static func short(_ digest: String) -> String { String(hex(digest).prefix(12)) }
}
