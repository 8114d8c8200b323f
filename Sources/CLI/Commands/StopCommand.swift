import Linux
enum StopCommand {
    static let spec = CommandSpec(
        "stop", "Stop services", arguments: "[SERVICE...]",
        options: [.value("timeout", short: "t", "SECONDS", "Specify a shutdown timeout in seconds")]
    ) { invocation in
        let view = try ProjectView(invocation, services: invocation.arguments)
        let timeout = try invocation.timeout()
        let running = view.containers(invocation.arguments).filter(\.state.isActive)
        let store = view.store
        // Dependents stop before what they depend on.
        try await ContainerActions(invocation).run(view.startOrder(running).reversed(), working: "Stopping", done: "Stopped") { container in
            try store.stop(container.id, timeout: timeout)
        }
        return 0
    }
}
