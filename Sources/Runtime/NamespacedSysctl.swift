/// Which sysctls a container may set: only those the kernel scopes to the container's own namespaces
/// (the list runc and docker accept). Anything else would change the host for everyone.
public enum NamespacedSysctl {
    static let ipc: Set<String> = [
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
        "kernel.shmmni", "kernel.shm_rmid_forced",
    ]

    /// nil when `key` may be set; otherwise why not, in words a user can act on.
    public static func refusal(_ key: String, hostNetwork: Bool, hostIPC: Bool) -> String? {
        if ipc.contains(key) || key.hasPrefix("fs.mqueue.") {
            return hostIPC ? "sysctl \(key) cannot be set with ipc: host (it would change the host)" : nil
        }
        if key.hasPrefix("net.") {
            return hostNetwork ? "sysctl \(key) cannot be set with network_mode: host (it would change the host)" : nil
        }
        return "sysctl \(key) is not namespaced: setting it in a container would change the host; only kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.* and net.* are allowed"
    }
}
