import Linux
import FoundationEssentials
import Glibc
import Reconciler
import Supervisor

enum EventsCommand {
    static let spec = CommandSpec(
        "events", "Receive real time events from containers", arguments: "[SERVICE...]",
        options: [
            .flag("json", "Output events as a stream of json objects"),
            .value("since", "TIME", "Show all events created since timestamp (only changes seen from now on are reported)"),
            .value("until", "TIME", "Stream events until this timestamp"),
        ]
    ) { invocation in
        let view = try ProjectView(invocation, services: invocation.arguments)
        let until = try invocation.options.value("until").map { text in
            guard let time = TimeArgument.parse(text, now: Clock.now()) else {
                throw UsageError(message: "invalid --until \"\(text)\": use a timestamp or a duration", command: "events")
            }
            return time
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        signal(SIGINT) { _ in interrupts.add(1, ordering: .relaxed) }
        // No daemon keeps an event log: states are polled and each change is reported as the action behind it.
        var known = Dictionary(uniqueKeysWithValues: view.containers(invocation.arguments, oneOff: true).map { ($0.id, $0) })
        while interrupts.load(ordering: .relaxed) == 0 && (until.map { Clock.now() < $0 } ?? true) {
            try await Task.sleep(for: .milliseconds(200))
            let current = Dictionary(uniqueKeysWithValues: view.containers(invocation.arguments, oneOff: true).map { ($0.id, $0) })
            var events: [ContainerEvent] = []
            for (id, container) in current {
                let before = known[id]
                if before == nil { events.append(ContainerEvent(container, action: "create")) }
                if let action = ContainerEvent.action(from: before?.state, to: container.state) {
                    events.append(ContainerEvent(container, action: action))
                }
            }
            for (id, container) in known where current[id] == nil { events.append(ContainerEvent(container, action: "destroy")) }
            for event in events.sorted(by: { ($0.time, $0.id) < ($1.time, $1.id) }) {
                if invocation.options.flag("json") {
                    Console.out(String(decoding: try encoder.encode(event), as: UTF8.self) + "\n")
                } else {
                    let attributes = event.attributes.keys.sorted().map { "\($0)=\(event.attributes[$0]!)" }.joined(separator: ", ")
                    Console.out("\(event.time) container \(event.action) \(event.id) (\(attributes))\n")
                }
            }
            known = current
        }
        return 0
    }
}

/// One `events --json` line, with docker compose's fields.
struct ContainerEvent: Encodable {
    let time: String
    let type = "container"
    let action: String
    let id: String
    let service: String
    let attributes: [String: String]

    init(_ container: ProjectRuntime.Container, action: String) {
        time = Clock.rfc3339(Clock.now(), fractionDigits: 6)
        self.action = action
        id = container.id
        service = container.service
        attributes = ["name": container.name, "image": container.spec.image]
    }

    /// What happened between two observed states; nil when nothing changed.
    static func action(from old: ContainerState?, to new: ContainerState) -> String? {
        if let old, old.status == new.status && old.restartCount == new.restartCount && old.health?.status == new.health?.status { return nil }
        if let old, old.health?.status != new.health?.status, let health = new.health?.status, old.status == new.status {
            return "health_status: \(health.rawValue)"
        }
        switch new.status {
        case .created: return old == nil ? nil : "create"
        case .running: return old?.status == .paused ? "unpause" : (old?.status == .restarting ? "restart" : "start")
        case .paused: return "pause"
        case .restarting: return "die"
        case .exited: return new.exitCode.map { $0 == 137 ? "kill" : "die" } ?? "die"
        case .dead: return "die"
        }
    }
}

