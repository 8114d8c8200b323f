import Compose
import Linux

extension Invocation {
    /// The loader's options from the global flags; `services` turn on their own profiles.
    func loadOptions(services: [String] = [], interpolate: Bool = true, resolveEnvironment: Bool = true) -> LoadOptions {
        var options = LoadOptions(files: global.all("file"), projectName: global.value("project-name"),
                                  projectDirectory: global.value("project-directory"), envFiles: global.all("env-file"),
                                  profiles: global.all("profile"), requestedServices: services, interpolate: interpolate,
                                  workingDirectory: workingDirectory, environment: environment)
        options.resolveEnvironment = resolveEnvironment
        return options
    }

    /// Loads, interpolates, validates and normalises the project; warnings go to standard error once.
    func loadProject(services: [String] = [], interpolate: Bool = true, resolveEnvironment: Bool = true) throws -> Project {
        let options = loadOptions(services: services, interpolate: interpolate, resolveEnvironment: resolveEnvironment)
        let (document, warnings) = try ProjectLoader.loadWithWarnings(options)
        for warning in warnings { Console.err("WARN \(warning)\n") }
        let project = try Project(document: document)
        let unknown = services.filter { name in project.service(named: name) == nil }
        if let name = unknown.first { throw UsageError(message: "no such service: \(name)", command: nil) }
        return project
    }

    /// The loaded project, or nil when there is no compose file but `-p`/`COMPOSE_PROJECT_NAME` names one:
    /// docker then acts on what the state root holds for that name.
    func loadProjectIfPresent(services: [String] = []) throws -> Project? {
        do {
            return try loadProject(services: services)
        } catch LoadError.noConfigurationFile where namedProject != nil {
            return nil
        }
    }

    /// The project name given on the command line or in the environment, if any.
    var namedProject: String? { global.value("project-name") ?? environment["COMPOSE_PROJECT_NAME"] }
}
