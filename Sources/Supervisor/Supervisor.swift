import Glibc

/// Modes of the binary that users never type: `__supervise` and friends.
public enum HiddenMode {
    /// Runs a hidden mode and returns its exit status, or nil when `arguments` name none.
    public static func dispatch(_ arguments: [String]) -> Int32? {
        nil
    }

    public static func exit(_ status: Int32) -> Never { Glibc.exit(status) }
}
