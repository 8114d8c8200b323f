import Linux
enum RestartCommand {
    static let spec = CommandSpec(
        "restart", "Restart service containers", arguments: "[SERVICE...]",
        options: [
            .value("timeout", short: "t", "SECONDS", "Specify a shutdown timeout in seconds"),
            .flag("no-deps", "Don't restart dependent services"),
        ]
    ) { invocation in
        let view = try ProjectView(invocation, services: invocation.arguments)
        let timeout = try invocation.timeout()
        let containers = view.containers(invocation.arguments)
        let store = view.store
        let actions = ContainerActions(invocation)
        try await actions.run(view.startOrder(containers.filter(\.state.isActive)).reversed(), working: "Restarting", done: "Stopped") { container in
            try store.stop(container.id, timeout: timeout)
        }
        try await actions.run(view.startOrder(containers), working: "Starting", done: "Started") { container in
            if (try? store.inspect(container.id))?.status == .dead { try store.stop(container.id, timeout: 0) }
            try store.start(container.id)
        }
        return 0
    }
}
