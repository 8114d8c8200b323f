import Reconciler

enum CreateCommand {
    static let spec = CommandSpec(
        "create", "Creates containers for a service", arguments: "[SERVICE...]",
        options: [
            .flag("force-recreate", "Recreate containers even if their configuration and image haven't changed"),
            .flag("no-recreate", "If containers already exist, don't recreate them"),
            .flag("remove-orphans", "Remove containers for services not defined in the Compose file"),
            .value("scale", "SERVICE=NUM", "Scale SERVICE to NUM instances", repeatable: true),
            .value("pull", "POLICY", "Pull image before running", choices: ["always", "missing", "never"]),
            .flag("quiet-pull", "Pull without printing progress information"),
            .flag("yes", short: "y", "Assume \"yes\" as answer to all prompts"),
        ]
    ) { invocation in
        let options = invocation.options
        let session = try ProjectSession(invocation, services: invocation.arguments)
        let up = try invocation.upOptions()
        let desired = DesiredState(project: session.project, selected: invocation.arguments)
        let plan = try Planner.planUp(desired: desired, observed: session.runtime.observe(), options: up)
        var actions = RuntimeActions.Options()
        actions.noStart = true
        actions.pull = options.value("pull").map { ImageProvisioner.Policy($0) }
        try await session.execute(plan, heading: "Creating", options: actions)
        return 0
    }
}
