import Linux
enum PortCommand {
    static let spec = CommandSpec(
        "port", "Print the public port for a port binding", arguments: "SERVICE PRIVATE_PORT",
        options: [
            .value("index", "INDEX", "Index of the container if service has multiple replicas"),
            .value("protocol", "PROTOCOL", "tcp or udp (default \"tcp\")", choices: ["tcp", "udp"]),
        ]
    ) { invocation in
        guard invocation.arguments.count == 2, let port = UInt16(invocation.arguments[1]) else {
            throw UsageError(message: "port needs a service and a container port number", command: "port")
        }
        let transport = invocation.options.value("protocol") ?? "tcp"
        let view = try ProjectView(invocation)
        let container = try view.container(service: invocation.arguments[0], index: try invocation.index())
        let bindings = ContainerDescription(container).bindings.filter { $0.containerPort == port && $0.transport == transport }
        guard let binding = bindings.first else {
            throw CommandError("no port \(port)/\(transport) for container \(container.name): not published")
        }
        Console.out("\(binding.hostIP):\(binding.hostPort)\n")
        return 0
    }
}
