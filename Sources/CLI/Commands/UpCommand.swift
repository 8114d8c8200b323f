import Compose
import Linux
import Reconciler

enum UpCommand {
    static let spec = CommandSpec(
        "up", "Create and start containers", arguments: "[SERVICE...]",
        options: [
            .flag("detach", short: "d", "Detached mode: run containers in the background"),
            .flag("force-recreate", "Recreate containers even if their configuration and image haven't changed"),
            .flag("no-recreate", "If containers already exist, don't recreate them"),
            .flag("no-deps", "Don't start linked services"),
            .flag("no-start", "Don't start the services after creating them"),
            .flag("remove-orphans", "Remove containers for services not defined in the Compose file"),
            .value("scale", "SERVICE=NUM", "Scale SERVICE to NUM instances", repeatable: true),
            .value("pull", "POLICY", "Pull image before running", choices: ["always", "missing", "never"]),
            .flag("wait", "Wait for services to be running|healthy; implies detached mode"),
            .value("wait-timeout", "SECONDS", "Maximum duration to wait for the project to be running|healthy"),
            .value("timeout", short: "t", "SECONDS", "Use this timeout in seconds for container shutdown"),
            .flag("build", "Build images before starting containers"),
            .flag("no-build", "Don't build an image, even if it's missing"),
            .flag("quiet-pull", "Pull without printing progress information"),
            .flag("renew-anon-volumes", short: "V", "Recreate anonymous volumes instead of retrieving data from the previous containers"),
            .flag("abort-on-container-exit", "Stops all containers if any container was stopped"),
            .value("exit-code-from", "SERVICE", "Return the exit code of the selected service container"),
            .value("attach", "SERVICE", "Restrict attaching to the specified services", repeatable: true),
            .value("no-attach", "SERVICE", "Do not attach (stream logs) to the specified services", repeatable: true),
            .flag("no-log-prefix", "Don't print prefix in logs"),
            .flag("no-color", "Produce monochrome output"),
        ]
    ) { invocation in
        let options = invocation.options
        let services = invocation.arguments
        let session = try ProjectSession(invocation, services: services)
        let up = try invocation.upOptions()
        var desired = DesiredState(project: session.project, selected: services, noDeps: options.flag("no-deps"))
        let builder = try invocation.serviceBuilder(session.project)
        let ignored = builder.ignoredKeys(services: desired.services.map(\.name))
        for key in UnsupportedKeys.used(in: session.project, services: desired.services.map(\.name)) + ignored {
            Console.err("WARN `\(key)` is not supported by swcompose yet and is ignored\n")
        }
        if options.flag("build") && !invocation.global.flag("dry-run") {
            // Built first, as docker compose does; containers of an older image are then recreated.
            for index in desired.services.indices {
                guard let service = session.project.service(named: desired.services[index].name), service.build != nil else { continue }
                desired.services[index].imageID = try await builder.build(service).id
            }
        }
        let plan = try Planner.planUp(desired: desired, observed: session.runtime.observe(), options: up)
        var actions = RuntimeActions.Options()
        actions.noStart = options.flag("no-start")
        actions.timeout = try invocation.timeout()
        actions.pull = options.value("pull").map { ImageProvisioner.Policy($0) }
        try await session.execute(plan, heading: "Running", options: actions)
        if invocation.global.flag("dry-run") || actions.noStart { return 0 }
        if options.flag("wait") {
            return try await Waiting.untilReady(session, services: desired.services.map(\.name),
                                                timeout: options.value("wait-timeout").flatMap(Double.init))
        }
        if options.flag("detach") { return 0 }
        session.lock.release()
        return try await Attached(session: session, invocation: invocation, services: desired.services.map(\.name)).run()
    }
}
