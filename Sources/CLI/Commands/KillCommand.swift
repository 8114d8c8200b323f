import Linux

enum KillCommand {
    static let spec = CommandSpec(
        "kill", "Force stop service containers", arguments: "[SERVICE...]",
        options: [
            .value("signal", short: "s", "SIGNAL", "SIGNAL to send to the container (default \"SIGKILL\")"),
            .flag("remove-orphans", "Remove containers for services not defined in the Compose file"),
        ]
    ) { invocation in
        let signal = invocation.options.value("signal") ?? "SIGKILL"
        guard Signals.number(named: signal) != nil else {
            throw UsageError(message: "invalid signal \"\(signal)\": use a name (SIGTERM, TERM) or a number", command: "kill")
        }
        let view = try ProjectView(invocation, services: invocation.arguments)
        let running = view.containers(invocation.arguments).filter(\.state.isActive)
        if running.isEmpty {
            Console.err("no container to kill\n")
            return 0
        }
        let store = view.store
        try await ContainerActions(invocation).run([running], working: "Killing", done: "Killed") { container in
            try store.kill(container.id, signal: signal)
        }
        if invocation.options.flag("remove-orphans"), let project = view.project {
            let orphans = view.containers().filter { container in project.service(named: container.service) == nil }
            try await ContainerActions(invocation).run([orphans], working: "Removing", done: "Removed") { container in
                try store.remove(container.id, force: true)
            }
        }
        return 0
    }
}
