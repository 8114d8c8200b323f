import FoundationEssentials
import Glibc
import Linux
import Reconciler
import Supervisor

/// How `ps`, `ls` and `events` describe a container: docker's state words, status sentences and port lists.
struct ContainerDescription {
    let container: ProjectRuntime.Container
    let now: Double

    init(_ container: ProjectRuntime.Container, now: Double = Clock.now()) {
        self.container = container
        self.now = now
    }

    /// docker's `State`: created, running, paused, restarting, exited or dead.
    var state: String {
        switch container.state.status {
        case .created: "created"
        case .running: "running"
        case .paused: "paused"
        case .restarting: "restarting"
        case .exited: "exited"
        case .dead: "dead"
        }
    }

    /// "Up 5 seconds (healthy)", "Exited (0) 3 seconds ago", "Restarting (1) 2 seconds ago", "Created".
    var status: String {
        let state = container.state
        switch state.status {
        case .created: return "Created"
        case .running, .paused:
            var text = "Up " + HumanDuration.text(now - (state.startedAt ?? now))
            if state.status == .paused { text += " (Paused)" }
            switch state.health?.status {
            case .healthy: text += " (healthy)"
            case .unhealthy: text += " (unhealthy)"
            case .starting: text += " (health: starting)"
            case nil: break
            }
            return text
        case .restarting:
            return "Restarting (\(state.exitCode ?? 0)) " + HumanDuration.text(now - (state.finishedAt ?? now)) + " ago"
        case .exited:
            return "Exited (\(state.exitCode ?? 0)) " + HumanDuration.text(now - (state.finishedAt ?? now)) + " ago"
        case .dead:
            return "Dead (supervisor gone)"
        }
    }

    /// When the container was created: its config file's modification time.
    var createdAt: Double {
        var info = stat()
        guard stat(container.spec.stateDir + "/config.json", &info) == 0 else { return now }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }

    var command: String { container.spec.container.process.args.joined(separator: " ") }

    /// Published ports as the supervisor bound them (empty unless running).
    var bindings: [NetworkStatus.Binding] {
        guard container.state.isActive,
              let bytes = try? FileSystem.readFile(container.spec.stateDir + "/network.json"),
              let status = try? JSONDecoder().decode(NetworkStatus.self, from: Data(bytes)) else { return [] }
        return status.ports
    }

    /// What docker's container summary lists while the container runs: each published binding, then each
    /// exposed port (`expose`, the image's EXPOSE) that nothing publishes; in docker's order.
    var listedPorts: [ListedPort] {
        guard container.state.isActive else { return [] }
        let published = bindings.map {
            ListedPort(hostIP: $0.hostIP, hostPort: $0.hostPort, containerPort: $0.containerPort, transport: $0.transport)
        }
        let exposed = (container.spec.network?.exposedPorts ?? []).flatMap(ListedPort.exposed).filter { port in
            !published.contains { $0.containerPort == port.containerPort && $0.transport == port.transport }
        }
        return (published + exposed).sorted(by: <)
    }

    /// "80/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp", as docker compose ps prints them.
    var ports: String { PortList.text(listedPorts) }
}

/// docker's (go-units) HumanDuration: "Less than a second", "5 seconds", "About a minute", "3 hours", "2 weeks".
enum HumanDuration {
    static func text(_ seconds: Double) -> String {
        let whole = Int(seconds)
        if seconds < 1 { return "Less than a second" }
        if whole == 1 { return "1 second" }
        if whole < 60 { return "\(whole) seconds" }
        let minutes = whole / 60
        if minutes == 1 { return "About a minute" }
        if minutes < 60 { return "\(minutes) minutes" }
        let hours = Int(seconds / 3600 + 0.5)
        if hours == 1 { return "About an hour" }
        if hours < 48 { return "\(hours) hours" }
        if hours < 24 * 7 * 2 { return "\(hours / 24) days" }
        if hours < 24 * 30 * 2 { return "\(hours / 24 / 7) weeks" }
        if hours < 24 * 365 * 2 { return "\(hours / 24 / 30) months" }
        return "\(hours / 24 / 365) years"
    }
}

