import Compose
import Linux
import Reconciler

enum DownCommand {
    static let spec = CommandSpec(
        "down", "Stop and remove containers, networks",
        options: [
            .flag("volumes", short: "v", "Remove named volumes declared in the volumes section and anonymous volumes"),
            .flag("remove-orphans", "Remove containers for services not defined in the Compose file"),
            .value("timeout", short: "t", "SECONDS", "Specify a shutdown timeout in seconds"),
            .value("rmi", "TYPE", "Remove images used by services", choices: ["local", "all"]),
        ]
    ) { invocation in
        let session = try ProjectSession(invocation, byName: true)
        var options = DownOptions()
        options.removeVolumes = invocation.options.flag("volumes")
        options.removeOrphans = invocation.options.flag("remove-orphans") || invocation.environment["COMPOSE_REMOVE_ORPHANS"] == "true"
            || session.isUndeclared
        let observed = session.runtime.observe()
        let desired = session.isUndeclared ? DesiredState(leftoversOf: observed, project: session.project.name)
                                           : DesiredState(project: session.project)
        let plan = Planner.planDown(desired: desired, observed: observed, options: options)
        var actions = RuntimeActions.Options()
        actions.timeout = try invocation.timeout()
        try await session.execute(plan, heading: "Running", options: actions)
        if let rmi = invocation.options.value("rmi") { try ImageRemoval.remove(session, local: rmi == "local") }
        return 0
    }
}
