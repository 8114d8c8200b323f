import Compose
import Images
import Linux
import Reconciler

enum PullCommand {
    static let spec = CommandSpec(
        "pull", "Pull service images", arguments: "[SERVICE...]",
        options: [
            .flag("ignore-pull-failures", "Pull what it can and ignores images with pull failures"),
            .flag("quiet", short: "q", "Pull without printing progress information"),
            .flag("include-deps", "Also pull services declared as dependencies"),
        ]
    ) { invocation in
        let project = try invocation.loadProject(services: invocation.arguments)
        let quiet = invocation.options.flag("quiet")
        let store = ImageStore(root: invocation.stateRoot)
        let provisioner = ImageProvisioner(store: store, environment: invocation.environment,
                                           progress: { image, event in if !quiet { PullCommand.print(image, event) } })
        for service in project.services where invocation.arguments.isEmpty || invocation.arguments.contains(service.name) {
            guard let image = service.image else { continue }
            if let skipped = skipReason(policy: service.pullPolicy, present: (try? store.inspect(image)) != nil) {
                if !quiet { Console.err(" \(service.name) \(skipped)\n") }
                continue
            }
            do {
                if !quiet { Console.err(" \(service.name) Pulling\n") }
                _ = try await provisioner.pull(image, platform: service.platform)
                if !quiet { Console.err(" \(service.name) Pulled\n") }
            } catch {
                Console.err(" \(service.name) Error \(error)\n")
                if !invocation.options.flag("ignore-pull-failures") { throw ExitStatus(1) }
            }
        }
        return 0
    }

    /// Why `pull` leaves a service's image alone, as docker compose says it; nil when it pulls. Without a
    /// policy `pull` always pulls (unlike `up`, which treats a missing policy as `missing`).
    static func skipReason(policy text: String?, present: Bool) -> String? {
        guard let text else { return nil }
        switch ImageProvisioner.Policy(text) {
        case .never, .build: return "Skipped"
        case .missing, .ifNotPresent, .periodic: return present ? "Skipped - Image is already present locally" : nil
        case .always: return nil
        }
    }

    /// Layer lines as docker prints them when the output is not a terminal.
    static func print(_ image: String, _ event: PullProgress) {
        switch event.state {
        case .waiting: Console.err("   \(event.layer) Waiting\n")
        case .alreadyExists: Console.err("   \(event.layer) Already exists\n")
        case .downloading: break
        case .complete: Console.err("   \(event.layer) Pull complete\n")
        }
    }
}
