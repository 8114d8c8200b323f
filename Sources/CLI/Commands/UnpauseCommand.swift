import Linux
enum UnpauseCommand {
    static let spec = CommandSpec("unpause", "Unpause services", arguments: "[SERVICE...]") { invocation in
        let view = try ProjectView(invocation, services: invocation.arguments)
        let paused = view.containers(invocation.arguments).filter { $0.state.status == .paused }
        let store = view.store
        try await ContainerActions(invocation).run([paused], working: "Unpausing", done: "Unpaused") { container in
            try store.unpause(container.id)
        }
        return 0
    }
}
