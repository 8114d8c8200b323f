import Compose
import Images
import Linux
import Reconciler

enum BuildCommand {
    static let spec = CommandSpec(
        "build", "Build or rebuild services", arguments: "[SERVICE...]",
        options: [
            .value("build-arg", "KEY=VALUE", "Set build-time variables for services", repeatable: true),
            .flag("no-cache", "Do not use cache when building the image"),
            .flag("pull", "Always attempt to pull a newer version of the image"),
            .flag("quiet", short: "q", "Don't print anything to STDOUT"),
        ]
    ) { invocation in
        let project = try invocation.loadProject(services: invocation.arguments)
        let services = project.services.filter { $0.build != nil && (invocation.arguments.isEmpty || invocation.arguments.contains($0.name)) }
        let options = try invocation.buildOptions()
        let builder = ServiceBuilder(project: project, store: ImageStore(root: invocation.stateRoot),
                                     environment: invocation.environment, options: options)
        for key in builder.ignoredKeys(services: services.map(\.name)) {
            Console.err("WARN `\(key)` is not supported by swcompose yet and is ignored\n")
        }
        for service in services {
            if invocation.global.flag("dry-run") {
                Console.err(" \(service.name) Building \(ServiceBuilder.imageName(project: project.name, service: service)) (dry run)\n")
                continue
            }
            _ = try await builder.build(service)
        }
        return 0
    }
}

extension Invocation {
    /// Build settings every command that may build shares: `--no-build`, `--build-arg`, `--pull`, `-q`.
    func buildOptions() throws -> ServiceBuilder.Options {
        var options = ServiceBuilder.Options()
        options.noBuild = self.options.flag("no-build")
        options.pull = command.name == "build" && self.options.flag("pull")
        options.quiet = self.options.flag("quiet") || self.options.flag("quiet-build")
        options.noCache = self.options.flag("no-cache")
        for entry in self.options.all("build-arg") {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard !parts.isEmpty else { throw UsageError(message: "invalid --build-arg \"\(entry)\": use KEY=VALUE", command: command.name) }
            options.args[parts[0]] = parts.count > 1 ? parts[1] : environment[parts[0]]
        }
        return options
    }

    /// The builder `up`, `create` and `run` use for services with `build:` whose image is missing.
    func serviceBuilder(_ project: Project) throws -> ServiceBuilder {
        ServiceBuilder(project: project, store: ImageStore(root: stateRoot), environment: environment, options: try buildOptions())
    }
}
