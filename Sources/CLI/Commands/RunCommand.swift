import Compose
import Glibc
import Images
import Linux
import Reconciler
import Supervisor

enum RunCommand {
    static let spec = CommandSpec(
        "run", "Run a one-off command on a service", arguments: "SERVICE [COMMAND] [ARGS...]",
        options: [
            .flag("detach", short: "d", "Run container in background and print container ID"),
            .flag("rm", "Automatically remove the container when it exits"),
            .flag("no-TTY", short: "T", "Disable pseudo-TTY allocation (default: auto-detected)"),
            .flag("interactive", short: "i", "Keep STDIN open even if not attached (default true)"),
            .value("env", short: "e", "KEY=VALUE", "Set environment variables", repeatable: true),
            .value("user", short: "u", "USER", "Run as specified username or uid"),
            .value("workdir", short: "w", "DIR", "Working directory inside the container"),
            .value("volume", short: "v", "SOURCE:TARGET[:ro]", "Bind mount a volume", repeatable: true),
            .value("publish", short: "p", "PORT", "Publish a container's port(s) to the host", repeatable: true),
            .flag("service-ports", short: "P", "Run command with all service's ports enabled and mapped to the host"),
            .flag("no-deps", "Don't start linked services"),
            .value("entrypoint", "CMD", "Override the entrypoint of the image"),
            .value("name", "NAME", "Assign a name to the container"),
            .flag("use-aliases", "Use the service's network aliases in the network(s) the container connects to"),
            .value("pull", "POLICY", "Pull image before running", choices: ["always", "missing", "never"]),
            .flag("quiet-pull", "Pull without printing progress information"),
        ]
    ) { invocation in
        guard let name = invocation.arguments.first else { throw UsageError(message: "run needs a service", command: "run") }
        let options = invocation.options
        let session = try ProjectSession(invocation, services: [name])
        guard let declared = session.project.service(named: name) else { throw CommandError("no such service: \(name)") }

        // Dependencies (and the project's networks and volumes) come up through the ordinary plan.
        var desired = DesiredState(project: session.project, selected: [name], noDeps: options.flag("no-deps"))
        desired.services.removeAll { $0.name == name }
        // The service's own containers are neither started nor reported as orphans here.
        var observed = session.runtime.observe()
        observed.containers.removeAll { $0.service == name }
        let plan = try Planner.planUp(desired: desired, observed: observed)
        var actions = RuntimeActions.Options()
        actions.pull = options.value("pull").map { ImageProvisioner.Policy($0) }
        try await session.execute(plan, heading: "Creating", options: actions)
        if invocation.global.flag("dry-run") { return 0 }

        var oneOff = OneOffService(service: declared)
        try oneOff.apply(invocation, command: Array(invocation.arguments.dropFirst()))
        let provisioner = ImageProvisioner(store: ImageStore(root: session.runtime.root), environment: invocation.environment,
                                           builder: try invocation.serviceBuilder(session.project))
        let image = try await provisioner.ensure(service: name, image: declared.image,
                                                 policy: actions.pull ?? ImageProvisioner.Policy(declared.pullPolicy),
                                                 platform: declared.platform, hasBuild: declared.build != nil)
        let builder = ContainerSpecBuilder(project: session.project, root: session.runtime.root, images: provisioner.store,
                                           version: SwcomposeCommand.version)
        let id = ContainerSpecBuilder.newID()
        let containerName = options.value("name") ?? "\(session.project.name)-\(name)-run-\(id.prefix(12))"
        var spec = try builder.build(service: oneOff.service, image: image, name: containerName, number: 1, oneOff: true, id: id)
        // A one-off container answers to its own names only, unless `--use-aliases`.
        if !options.flag("use-aliases"), var network = spec.network {
            let own = [containerName, String(id.prefix(12))]
            for index in network.networks.indices { network.networks[index].names.removeAll { !own.contains($0) } }
            spec.network = network
        }
        // A one-off container is never restarted behind the user's back.
        spec.restart = .no
        let detach = options.flag("detach")
        // In the foreground we attach right after the start: the container's input ends with ours, and what it
        // prints before we are attached is kept for us.
        spec.stdinOnce = !detach
        spec.replayOutput = !detach
        let store = session.runtime.containers
        try store.create(spec) { try builder.prepareFiles($0, service: oneOff.service, in: $1) }
        do { try store.start(id) } catch {
            if options.flag("rm") { try? store.remove(id, force: true) }
            throw error
        }
        session.lock.release()
        if detach {
            Console.out(containerName + "\n")
            return 0
        }
        let attachment = try store.attach(id, stdin: options.flag("interactive", default: true), justStarted: true)
        let code = try AttachCommand.wait(attachment)
        if options.flag("rm") { try store.remove(id, force: true) }
        return code
    }
}
