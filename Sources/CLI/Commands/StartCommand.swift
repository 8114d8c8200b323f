import Linux
enum StartCommand {
    static let spec = CommandSpec("start", "Start services", arguments: "[SERVICE...]") { invocation in
        let view = try ProjectView(invocation, services: invocation.arguments)
        let containers = view.containers(invocation.arguments)
        if containers.isEmpty { throw CommandError("no containers to start: run \"swcompose up\" or \"swcompose create\" first") }
        let store = view.store
        try await ContainerActions(invocation).run(view.startOrder(containers.filter { !$0.state.isActive }),
                                                   working: "Starting", done: "Started") { container in
            // A container whose supervisor died is reaped before it starts afresh.
            if container.state.status == .dead { try store.stop(container.id, timeout: 0) }
            try store.start(container.id)
        }
        return 0
    }
}
