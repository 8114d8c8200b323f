import Linux

enum ExecCommand {
    static let spec = CommandSpec(
        "exec", "Execute a command in a running container", arguments: "SERVICE COMMAND [ARGS...]",
        options: [
            .flag("detach", short: "d", "Detached mode: Run command in the background"),
            .value("env", short: "e", "KEY=VALUE", "Set environment variables", repeatable: true),
            .value("index", "INDEX", "Index of the container if service has multiple replicas"),
            .flag("privileged", "Give extended privileges to the process"),
            .flag("no-tty", short: "T", "Disable pseudo-TTY allocation (default: a TTY when stdin is one)"),
            .flag("tty", short: "t", "Allocate a pseudo-TTY even when stdin is not one"),
            .flag("interactive", short: "i", "Keep STDIN open even if not attached (default true)"),
            .value("user", short: "u", "USER", "Run the command as this user"),
            .value("workdir", short: "w", "DIR", "Path to workdir directory for this command"),
        ]
    ) { invocation in
        guard invocation.arguments.count >= 2 else {
            throw UsageError(message: "exec needs a service and a command", command: "exec")
        }
        let options = invocation.options
        let view = try ProjectView(invocation)
        let container = try view.container(service: invocation.arguments[0], index: try invocation.index())
        if container.state.status == .paused { throw CommandError("container \(container.name) is paused, unpause it first") }
        let environment = options.all("env").map { entry in
            // `-e NAME` passes the variable from swcompose's own environment, as docker does.
            entry.contains("=") ? entry : "\(entry)=\(invocation.environment[entry] ?? "")"
        }
        let detach = options.flag("detach")
        let tty = !detach && !options.flag("no-tty") && (options.flag("tty") || CurrentProcess.isTerminal(.standardInput))
        var stdio: [Int32: FileDescriptor] = [:]
        if detach {
            let null = try FileDescriptor.open("/dev/null", .readWrite)
            stdio = [0: null, 1: null, 2: null]
        }
        defer { for fd in Set(stdio.values) { fd.closeQuietly() } }
        let pid = try view.store.exec(container.id, command: Array(invocation.arguments.dropFirst()), user: options.value("user"),
                                      workdir: options.value("workdir"), env: environment,
                                      privileged: options.flag("privileged"), tty: tty, stdio: stdio)
        if detach { return 0 }
        return try Process.wait(pid)?.status.code ?? 1
    }
}
