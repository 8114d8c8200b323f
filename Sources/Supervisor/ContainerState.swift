import FoundationEssentials
import Glibc
import Linux

/// The container's state file, written atomically by its supervisor and read by everyone else.
public struct ContainerState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case created, running, restarting, paused, exited
        /// The state file says running but its supervisor is gone.
        case dead
    }

    public var id: String
    public var name: String
    public var project: String
    public var status: Status
    public var pid: Int32?
    public var supervisorPid: Int32?
    public var exitCode: Int32?
    public var oomKilled = false
    /// Seconds since the epoch.
    public var startedAt: Double?
    public var finishedAt: Double?
    public var restartCount = 0
    public var health: HealthState?
    /// Why the last start failed, as the CLI prints it.
    public var error: String?

    public init(id: String, name: String, project: String, status: Status = .created) {
        self.id = id
        self.name = name
        self.project = project
        self.status = status
    }

    public var isActive: Bool { status == .running || status == .restarting || status == .paused }
}

public struct HealthState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case starting, healthy, unhealthy }
    public var status: Status = .starting
    public var failingStreak = 0
    /// The last five probes, oldest first.
    public var log: [HealthProbe] = []
    public init() {}
}

public struct HealthProbe: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var exitCode: Int32
    public var output: String
}

/// JSON files in a container's state directory.
enum StateFiles {
    static func config(_ directory: String) -> String { directory + "/config.json" }
    static func state(_ directory: String) -> String { directory + "/state.json" }

    /// Only the config is made durable: state and network status are checked against the kernel on every read
    /// and describe processes that a reboot ends anyway.
    static func write<T: Encodable>(_ value: T, to path: String, durable: Bool = false) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try FileSystem.writeAtomically(path, Array(try encoder.encode(value)), durable: durable)
    }

    static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(try FileSystem.readFile(path)))
    }
}

