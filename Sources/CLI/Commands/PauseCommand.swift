import Linux
enum PauseCommand {
    static let spec = CommandSpec("pause", "Pause services", arguments: "[SERVICE...]") { invocation in
        let view = try ProjectView(invocation, services: invocation.arguments)
        let running = view.containers(invocation.arguments).filter { $0.state.status == .running }
        let store = view.store
        try await ContainerActions(invocation).run([running], working: "Pausing", done: "Paused") { container in
            try store.pause(container.id)
        }
        return 0
    }
}
