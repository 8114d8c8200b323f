import Linux
import FoundationEssentials
import Reconciler
import Supervisor

enum LsCommand {
    static let spec = CommandSpec(
        "ls", "List running compose projects",
        options: [
            .flag("all", short: "a", "Show all stopped Compose projects"),
            .value("filter", "FILTER", "Filter output based on conditions provided (name=NAME)"),
            .value("format", "FORMAT", "Format the output", choices: ["table", "json"]),
            .flag("quiet", short: "q", "Only display project names"),
        ]
    ) { invocation in
        let store = ContainerStore(root: invocation.stateRoot)
        var nameFilter: String?
        if let filter = invocation.options.value("filter") {
            guard filter.hasPrefix("name=") else { throw UsageError(message: "invalid filter \"\(filter)\": supported is name=NAME", command: "ls") }
            nameFilter = String(filter.dropFirst(5))
        }
        var projects: [String: [ProjectRuntime.Container]] = [:]
        for project in Set(store.list().map(\.project)) where nameFilter.map({ project.contains($0) }) ?? true {
            projects[project] = ProjectRuntime(projectName: project, root: invocation.stateRoot).projectContainers()
        }
        let listed = projects.keys.sorted().compactMap { name -> ProjectEntry? in
            let containers = projects[name]!
            guard invocation.options.flag("all") || containers.contains(where: \.state.isActive) else { return nil }
            let counts = Dictionary(grouping: containers.map { ContainerDescription($0).state }, by: { $0 })
            let status = counts.keys.sorted().map { "\($0)(\(counts[$0]!.count))" }.joined(separator: ", ")
            let files = containers.first?.spec.labels[Labels.configFiles] ?? ""
            return ProjectEntry(Name: name, Status: status, ConfigFiles: files)
        }
        if invocation.options.flag("quiet") {
            Console.out(listed.map { $0.Name + "\n" }.joined())
        } else if invocation.options.value("format") == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            Console.out(String(decoding: try encoder.encode(listed), as: UTF8.self) + "\n")
        } else {
            Console.out(Table.render(["NAME", "STATUS", "CONFIG FILES"], listed.map { [$0.Name, $0.Status, $0.ConfigFiles] }))
        }
        return 0
    }
}

struct ProjectEntry: Encodable {
    let Name, Status, ConfigFiles: String
}
