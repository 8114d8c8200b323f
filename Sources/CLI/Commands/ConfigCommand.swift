import Compose
import Linux

enum ConfigCommand {
    static let spec = CommandSpec(
        "config", "Parse, resolve and render compose file in canonical format", arguments: "[SERVICE...]",
        options: [
            .value("format", "FORMAT", "Format the output", choices: ["yaml", "json"]),
            .value("hash", "SERVICES", "Print the service config hash, one per line ('*' for all)"),
            .flag("images", "Print the image names, one per line"),
            .flag("networks", "Print the network names, one per line"),
            .flag("no-interpolate", "Don't interpolate environment variables"),
            .value("output", short: "o", "FILE", "Save to file (default to stdout)"),
            .flag("profiles", "Print the profile names, one per line"),
            .flag("quiet", short: "q", "Only validate the configuration, don't print anything"),
            .flag("services", "Print the service names, one per line"),
            .flag("volumes", "Print the volume names, one per line"),
        ]
    ) { invocation in
        let options = invocation.options
        let format: ConfigRenderer.Format = options.value("format") == "json" ? .json : .yaml
        if options.flag("no-interpolate"), !listing.contains(where: { options.flag($0) }), options.value("hash") == nil {
            // docker compose prints the whole model here: service names do not narrow it.
            if !invocation.arguments.isEmpty {
                Console.err("WARN service filtering is not applied when --no-interpolate is set, the full model will be rendered\n")
            }
            let document = try ProjectLoader.load(invocation.loadOptions(interpolate: false))
            let text = try ConfigRenderer.renderUninterpolated(document, format: format)
            return try write(text, options)
        }
        // docker compose hashes the model before env_file is folded into environment.
        let hashing = options.value("hash") != nil
        let project = try invocation.loadProject(services: hashing ? [] : invocation.arguments,
                                                 interpolate: !options.flag("no-interpolate"),
                                                 resolveEnvironment: !hashing)
        if options.flag("quiet") { return 0 }
        let text: String
        if options.flag("services") {
            // Dependency order, as docker compose lists them.
            text = lines(ServiceGraph(project: project).levels.flatMap { $0 })
        } else if options.flag("volumes") {
            text = lines(ConfigRenderer.volumeNames(project))
        } else if options.flag("networks") {
            text = lines(ConfigRenderer.networkNames(project))
        } else if options.flag("profiles") {
            text = lines(ConfigRenderer.profileNames(project))
        } else if options.flag("images") {
            text = lines(ConfigRenderer.images(project))
        } else if let hash = options.value("hash") {
            text = lines(ConfigRenderer.hashes(project, services: hash.split(separator: ",").map(String.init)))
        } else {
            text = ConfigRenderer.render(project, format: format)
        }
        return try write(text, options)
    }

    /// The flags that print one name per line instead of the model.
    static let listing = ["services", "volumes", "networks", "profiles", "images"]

    static func write(_ text: String, _ options: ParsedOptions) throws -> Int32 {
        if options.flag("quiet") { return 0 }
        if let output = options.value("output") {
            try FileSystem.writeAtomically(output, text)
        } else {
            Console.out(text)
        }
        return 0
    }

    static func lines(_ items: [String]) -> String { items.map { $0 + "\n" }.joined() }
}
