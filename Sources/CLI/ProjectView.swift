import Compose
import Linux
import Reconciler
import Supervisor

/// A read-only view of a project's containers for commands that change no plan (`ps`, `logs`, `stop`, ...):
/// no project lock, and a project name is enough when there is no compose file (`-p NAME ps`), as in docker.
struct ProjectView {
    let invocation: Invocation
    let project: Project?
    let runtime: ProjectRuntime

    init(_ invocation: Invocation, services: [String] = []) throws {
        self.invocation = invocation
        project = try invocation.loadProjectIfPresent(services: services)
        runtime = ProjectRuntime(projectName: project?.name ?? invocation.namedProject!, root: invocation.stateRoot)
    }

    var store: ContainerStore { runtime.containers }

    /// The project's containers of the named services (all when none is named), one-off ones only on request.
    func containers(_ services: [String] = [], oneOff: Bool = false) -> [ProjectRuntime.Container] {
        runtime.projectContainers().filter { (services.isEmpty || services.contains($0.service)) && (oneOff || !$0.oneOff) }
    }

    /// Groups in start order: the dependency levels of the compose file (a group goes at once, after the ones
    /// before it), then containers of services it does not declare (all of them without a compose file).
    func startOrder(_ containers: [ProjectRuntime.Container]) -> [[ProjectRuntime.Container]] {
        let levels = project.map { ServiceGraph(project: $0).levels } ?? []
        let leveled = Set(levels.joined())
        let groups = levels.map { level in containers.filter { level.contains($0.service) } }
        return (groups + [containers.filter { !leveled.contains($0.service) }]).filter { !$0.isEmpty }
    }

    /// The one container `exec`, `port` and `cp` act on: `--index` of the service, 1 by default.
    func container(service: String, index: Int?, running: Bool = true) throws -> ProjectRuntime.Container {
        let candidates = containers([service])
        if project != nil && project?.service(named: service) == nil && candidates.isEmpty {
            throw CommandError("no such service: \(service)")
        }
        let chosen = index.map { number in candidates.first { $0.number == number } } ?? candidates.first
        guard let container = chosen else {
            throw CommandError(index.map { "service \"\(service)\" has no container number \($0)" } ?? "service \"\(service)\" has no container")
        }
        if running && container.state.status != .running && container.state.status != .paused {
            throw CommandError("service \"\(service)\" is not running")
        }
        return container
    }
}

/// A failure a command reports in one line (exit status 1).
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Invocation {
    /// `--index N` as a positive integer.
    func index() throws -> Int? {
        guard let text = options.value("index") else { return nil }
        guard let number = Int(text), number > 0 else {
            throw UsageError(message: "invalid argument \"\(text)\" for \"--index\": must be a positive integer", command: command.name)
        }
        return number
    }
}
