import Linux
import Glibc

enum RmCommand {
    static let spec = CommandSpec(
        "rm", "Removes stopped service containers", arguments: "[SERVICE...]",
        options: [
            .flag("force", short: "f", "Don't ask to confirm removal"),
            .flag("stop", short: "s", "Stop the containers, if required, before removing"),
            .flag("volumes", short: "v", "Remove any anonymous volumes attached to containers"),
        ]
    ) { invocation in
        let options = invocation.options
        let view = try ProjectView(invocation, services: invocation.arguments)
        let store = view.store
        var containers = view.containers(invocation.arguments, oneOff: true)
        if options.flag("stop") {
            let running = containers.filter(\.state.isActive)
            try await ContainerActions(invocation).run(view.startOrder(running).reversed(), working: "Stopping", done: "Stopped") { container in
                try store.stop(container.id)
            }
            containers = view.containers(invocation.arguments, oneOff: true)
        }
        let stopped = containers.filter { !$0.state.isActive }
        if stopped.isEmpty {
            Console.out("No stopped containers\n")
            return 0
        }
        if !options.flag("force") {
            Console.out("Going to remove \(stopped.map(\.name).joined(separator: ", "))\n? Are you sure? (y/N) ")
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else { return 0 }
        }
        // Anonymous volumes live in the container's own directory, so removing it removes them (`-v` or not).
        try await ContainerActions(invocation).run([stopped], working: "Removing", done: "Removed") { container in
            try store.remove(container.id)
        }
        return 0
    }
}
