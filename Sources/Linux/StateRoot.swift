/// Where swcompose keeps its state. `SWCOMPOSE_ROOT` (tests always set it) puts everything under one
/// directory; otherwise persistent data lives in /var/lib/swcompose and runtime data in /run/swcompose.
public struct StateRoot: Sendable, Hashable {
    /// Images, layers, volumes, containers, IPAM allocations: survives a reboot.
    public let lib: String
    /// Sockets, pid files, DNS tables: gone after a reboot.
    public let run: String
    /// The administrator's swcompose settings (JSON); a missing file means the defaults.
    public let settings: String

    public init(lib: String, run: String, settings: String = "/etc/swcompose/settings.json") {
        self.lib = lib
        self.run = run
        self.settings = settings
    }

    public init(root: String) {
        self.init(lib: root + "/lib", run: root + "/run", settings: root + "/settings.json")
    }

    public static func fromEnvironment(_ environment: [String: String]) -> StateRoot {
        if let root = environment["SWCOMPOSE_ROOT"], !root.isEmpty { return StateRoot(root: root) }
        return StateRoot(lib: "/var/lib/swcompose", run: "/run/swcompose")
    }

    public var images: String { lib + "/images" }
    public var containers: String { lib + "/containers" }
    public var volumes: String { lib + "/volumes" }
    public var networks: String { lib + "/networks" }
    public var projects: String { lib + "/projects" }
    public var sockets: String { run + "/sock" }
    public var dns: String { run + "/dns" }
    public var locks: String { run + "/locks" }
}
