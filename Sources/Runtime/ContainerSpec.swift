import Cgroups
import Linux

/// Everything the runtime needs to start one container, already resolved from compose and the image.
public struct ContainerSpec: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var project: String
    public var rootfs: Rootfs
    public var process: ProcessSpec
    public var hostname: String?
    public var domainname: String?
    public var mounts: [MountSpec] = []
    public var etcFiles = EtcFiles()
    public var maskedPaths = DefaultSecurity.maskedPaths
    public var readonlyPaths = DefaultSecurity.readonlyPaths
    public var sysctls: [String: String] = [:]
    /// Bytes for /dev/shm (docker's default 64 MiB).
    public var shmSize: Int64 = 64 << 20
    public var readOnlyRootfs = false
    public var devices: [DeviceSpec] = []
    public var limits = CgroupLimits()
    public var privileged = false
    /// compose's `init: true`: PID 1 is our reaping, signal-forwarding init and the command its child.
    public var initProcess = false
    public var network: NamespaceMode = .new
    public var ipc: NamespaceMode = .new
    public var pid: NamespaceMode = .new

    public init(id: String, name: String, project: String, rootfs: Rootfs, process: ProcessSpec) {
        self.id = id
        self.name = name
        self.project = project
        self.rootfs = rootfs
        self.process = process
    }

    /// The mount point that becomes "/" in the container.
    public var rootPath: String {
        switch rootfs {
        case .directory(let path): path
        case .overlay(_, _, _, let merged): merged
        }
    }
}

public enum Rootfs: Codable, Sendable, Equatable {
    /// A directory bind-mounted as the root (tests, `__run`).
    case directory(String)
    /// Image layers under a writable upper dir; `lowerDirs` topmost first.
    case overlay(lowerDirs: [String], upperDir: String, workDir: String, mergedDir: String)
}

/// Create a namespace, share the host's, or join another container's (by a /proc/<pid>/ns/<kind> path).
public enum NamespaceMode: Codable, Sendable, Equatable {
    case new
    case host
    case join(String)
}

public struct ProcessSpec: Codable, Sendable, Equatable {
    public var args: [String]
    /// "KEY=value" entries.
    public var env: [String]
    public var cwd: String = "/"
    /// "name", "uid", "name:group", "uid:gid": resolved in the container's own /etc/passwd and /etc/group.
    public var user: String?
    /// Extra groups (names or numbers), compose's `group_add`.
    public var additionalGroups: [String] = []
    public var tty = false
    public var noNewPrivileges = false
    /// Effective, permitted and bounding set; docker's default unless compose adds or drops.
    public var capabilities = DefaultSecurity.capabilities
    public var rlimits: [RlimitSpec] = []

    public init(args: [String], env: [String] = [], cwd: String = "/") {
        self.args = args
        self.env = env
        self.cwd = cwd
    }
}

public struct RlimitSpec: Codable, Sendable, Equatable {
    public var name: String
    public var soft: UInt64
    public var hard: UInt64
    public init(name: String, soft: UInt64, hard: UInt64) {
        self.name = name
        self.soft = soft
        self.hard = hard
    }
}

public struct MountSpec: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case bind, volume, tmpfs }
    public var kind: Kind
    /// Host path for bind, the volume's data directory for volume, unused for tmpfs.
    public var source: String
    public var target: String
    public var readOnly = false
    /// "rprivate" (default), "private", "rshared", "shared", "rslave", "slave".
    public var propagation: String?
    public var tmpfsSize: Int64?
    public var tmpfsMode: UInt32?
    /// Volumes only: fill the volume from the image's content at `target` while the volume is empty (no `nocopy`).
    public var copyUp = false

    public init(kind: Kind, source: String, target: String, readOnly: Bool = false) {
        self.kind = kind
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }
}

/// Per-container files bound over the image's /etc entries (written by the supervisor or the network hook).
public struct EtcFiles: Codable, Sendable, Equatable {
    public var hosts: String?
    public var hostname: String?
    public var resolvConf: String?
    public init(hosts: String? = nil, hostname: String? = nil, resolvConf: String? = nil) {
        self.hosts = hosts
        self.hostname = hostname
        self.resolvConf = resolvConf
    }
}

public struct DeviceSpec: Codable, Sendable, Equatable {
    public var hostPath: String
    public var containerPath: String
    public init(hostPath: String, containerPath: String) {
        self.hostPath = hostPath
        self.containerPath = containerPath
    }
}
