import Linux
import FoundationEssentials
import Reconciler

enum PsCommand {
    static let statuses = ["paused", "restarting", "removing", "running", "dead", "created", "exited"]

    static let spec = CommandSpec(
        "ps", "List containers", arguments: "[SERVICE...]",
        options: [
            .flag("all", short: "a", "Show all stopped containers (including those created by the run command)"),
            .flag("quiet", short: "q", "Only display IDs"),
            .flag("services", "Display services"),
            .value("status", "STATUS", "Filter services by status", repeatable: true, choices: statuses),
            .value("filter", "FILTER", "Filter services by a property (supported filters: status)"),
            .value("format", "FORMAT", "Format the output", choices: ["table", "json"]),
            .flag("no-trunc", "Don't truncate output"),
        ]
    ) { invocation in
        let options = invocation.options
        let view = try ProjectView(invocation, services: invocation.arguments)
        var wanted = Set(options.all("status"))
        if let filter = options.value("filter") {
            guard filter.hasPrefix("status="), statuses.contains(String(filter.dropFirst(7))) else {
                throw UsageError(message: "invalid filter \"\(filter)\": supported is status=STATUS", command: "ps")
            }
            wanted.insert(String(filter.dropFirst(7)))
        }
        let all = options.flag("all")
        let shown = view.containers(invocation.arguments, oneOff: all).map { ContainerDescription($0) }.filter { description in
            wanted.isEmpty ? all || description.container.state.isActive : wanted.contains(description.state)
        }
        if options.flag("quiet") {
            Console.out(shown.map { $0.container.id + "\n" }.joined())
        } else if options.flag("services") {
            var services: [String] = []
            for description in shown where !services.contains(description.container.service) { services.append(description.container.service) }
            Console.out(services.map { $0 + "\n" }.joined())
        } else if options.value("format") == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for description in shown {
                Console.out(String(decoding: try encoder.encode(PsEntry(description)), as: UTF8.self) + "\n")
            }
        } else {
            let truncate = !options.flag("no-trunc")
            let rows = shown.map { description -> [String] in
                var command = description.command
                if truncate && command.count > 20 { command = String(command.prefix(19)) + "…" }
                return [description.container.name, description.container.spec.image, "\"\(command)\"",
                        description.container.service, HumanDuration.text(description.now - description.createdAt) + " ago",
                        description.status, description.ports]
            }
            Console.out(Table.render(["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"], rows))
        }
        return 0
    }
}

/// One line of `ps --format json`, with docker compose's field names.
struct PsEntry: Encodable {
    struct Publisher: Encodable {
        let URL: String
        let TargetPort: UInt16
        let PublishedPort: UInt16
        let `Protocol`: String
    }

    let ID, Name, Image, Command, Project, Service, State, Status, Health, CreatedAt, RunningFor, Ports: String
    let ExitCode: Int32
    let Labels: [String: String]
    let Publishers: [Publisher]

    init(_ description: ContainerDescription) {
        let container = description.container
        ID = container.id
        Name = container.name
        Image = container.spec.image
        Command = "\"\(description.command)\""
        Project = container.spec.container.project
        Service = container.service
        State = description.state
        Status = description.status
        Health = container.state.health?.status.rawValue ?? ""
        CreatedAt = Clock.dockerTime(description.createdAt)
        RunningFor = HumanDuration.text(description.now - description.createdAt) + " ago"
        Ports = description.ports
        ExitCode = container.state.exitCode ?? 0
        Labels = container.spec.labels
        Publishers = description.listedPorts.map {
            Publisher(URL: $0.hostIP, TargetPort: $0.containerPort, PublishedPort: $0.hostPort, Protocol: $0.transport)
        }
    }
}
