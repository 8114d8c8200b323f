import Cgroups
import Runtime

/// What `__supervise` receives on fd 3 (JSON): the container and how to look after it.
public struct SupervisorSpec: Codable, Sendable, Equatable {
    public var container: ContainerSpec
    /// The container's state directory: config.json, state.json, container.log.
    public var stateDir: String
    public var logPath: String
    public var controlSocket: String
    public var restart: RestartPolicy = .no
    public var healthcheck: Healthcheck?
    public var stopSignal: String = "SIGTERM"
    public var stopGracePeriod: Double = 10
    /// Leave the cgroup in place when the supervisor exits (for inspection in tests).
    public var keepResources = false
    /// Networks, DNS names and published ports; nil for `network_mode: none`, `host` or a joined netns.
    public var network: NetworkPlan?
    /// docker compose's labels (`com.docker.compose.*`) plus the service's own.
    public var labels: [String: String] = [:]
    /// The image as the user named it, and its ID (config digest): for `ps` and `image rm`.
    public var image = ""
    public var imageID = ""
    /// Decided at create time so that removal never has to guess.
    public var cgroup: CgroupPlacement?
    /// compose's `stdin_open`: PID 1's stdin stays open for attach clients (a pipe, or the pty with `tty`).
    public var stdinOpen = false
    /// `run`'s stdin: the first attach client's end of input closes the container's stdin.
    public var stdinOnce = false
    /// `run` in the foreground: output is kept (up to a limit) until the first attach client takes it, so the
    /// client sees everything from the first byte though it attaches after the start.
    public var replayOutput = false

    public init(container: ContainerSpec, stateDir: String = "", logPath: String = "", controlSocket: String = "") {
        self.container = container
        self.stateDir = stateDir
        self.logPath = logPath
        self.controlSocket = controlSocket
    }
}

/// compose's `restart`: no, always, on-failure[:N], unless-stopped.
public enum RestartPolicy: Codable, Sendable, Equatable {
    case no
    case always
    case onFailure(maxRetries: Int?)
    case unlessStopped

    public init?(parsing text: String) {
        switch text {
        case "", "no": self = .no
        case "always": self = .always
        case "unless-stopped": self = .unlessStopped
        case "on-failure": self = .onFailure(maxRetries: nil)
        default:
            guard text.hasPrefix("on-failure:"), let count = Int(text.dropFirst("on-failure:".count)), count >= 0 else {
                return nil
            }
            self = .onFailure(maxRetries: count)
        }
    }

    /// Whether an exit with `code`, not asked for by the user, starts the container again.
    public func shouldRestart(exitCode: Int32, restartCount: Int) -> Bool {
        switch self {
        case .no: false
        case .always, .unlessStopped: true
        case .onFailure(let maxRetries): exitCode != 0 && (maxRetries.map { restartCount < $0 } ?? true)
        }
    }
}

/// compose's `healthcheck`, durations in seconds.
public struct Healthcheck: Codable, Sendable, Equatable {
    /// ["CMD", args...], ["CMD-SHELL", line] or ["NONE"].
    public var test: [String]
    public var interval: Double = 30
    public var timeout: Double = 30
    public var retries: Int = 3
    public var startPeriod: Double = 0

    public init(test: [String], interval: Double = 30, timeout: Double = 30, retries: Int = 3, startPeriod: Double = 0) {
        self.test = test
        self.interval = interval
        self.timeout = timeout
        self.retries = retries
        self.startPeriod = startPeriod
    }

    /// The argv to run, nil for NONE (or an empty test).
    public var command: [String]? {
        guard let kind = test.first else { return nil }
        switch kind {
        case "CMD": return test.count > 1 ? Array(test.dropFirst()) : nil
        case "CMD-SHELL": return test.count > 1 ? ["/bin/sh", "-c", test.dropFirst().joined(separator: " ")] : nil
        case "NONE": return nil
        default: return test
        }
    }
}
