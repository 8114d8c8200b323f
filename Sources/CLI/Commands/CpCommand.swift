enum CpCommand {
    static let spec = CommandSpec(
        "cp", "Copy files/folders between a service container and the local filesystem",
        arguments: "SERVICE:SRC_PATH DEST_PATH | SRC_PATH SERVICE:DEST_PATH",
        options: [
            .value("index", "INDEX", "Index of the container if service has multiple replicas"),
            .flag("all", "Include containers created by the run command"),
        ]
    ) { invocation in
        guard invocation.arguments.count == 2 else {
            throw UsageError(message: "cp needs a source and a destination, one of them SERVICE:PATH", command: "cp")
        }
        let (source, destination) = (invocation.arguments[0], invocation.arguments[1])
        let view = try ProjectView(invocation)
        func container(_ reference: String) throws -> (ContainerCopy, String)? {
            guard !reference.hasPrefix("/") && !reference.hasPrefix("."), let colon = reference.firstIndex(of: ":") else { return nil }
            let service = String(reference[..<colon])
            let copy = ContainerCopy(store: view.store, container: try view.container(service: service, index: try invocation.index()))
            return (copy, String(reference[reference.index(after: colon)...]))
        }
        switch (try container(source), try container(destination)) {
        case (let (copy, path)?, nil): try copy.copyOut(path, to: destination)
        case (nil, let (copy, path)?): try copy.copyIn(source, to: path)
        default: throw UsageError(message: "cp copies between a container and the host: exactly one path must be SERVICE:PATH", command: "cp")
        }
        return 0
    }
}
