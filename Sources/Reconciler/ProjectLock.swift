import Linux

/// Two commands on one project wait for each other; different projects run at once.
public enum ProjectLock {
    public static func acquire(project: String, root: StateRoot, onWait: () -> Void = {}) throws(Errno) -> FileLock {
        try FileLock.acquire("\(root.locks)/\(project).lock", onWait: onWait)
    }
}
