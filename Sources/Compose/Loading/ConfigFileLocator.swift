/// Which compose files a project reads when `-f` is not given, as docker compose picks them.
enum ConfigFileLocator {
    static let fileNames = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"]
    static let overrideFileNames = ["compose.override.yml", "compose.override.yaml",
                                    "docker-compose.override.yml", "docker-compose.override.yaml"]

    /// `-f` files, else `COMPOSE_FILE`, else the first directory from `start` upwards holding a compose
    /// file (plus its override file). Relative names are made absolute from `start`; `-` stays `-`.
    static func locate(files: [String], environment: [String: String], start: String) throws(LoadError) -> [String] {
        if !files.isEmpty { return files.map { absolute($0, start) } }
        if let list = environment["COMPOSE_FILE"], !list.isEmpty {
            let separator = environment["COMPOSE_PATH_SEPARATOR"].flatMap { $0.isEmpty ? nil : $0 } ?? ":"
            return list.split(separator: separator).map { absolute(String($0), start) }
        }
        var directory = PathText.clean(start)
        while true {
            if let main = fileNames.map({ PathText.join(directory, $0) }).first(where: HostFiles.isFile) {
                let override = overrideFileNames.map { PathText.join(directory, $0) }.first(where: HostFiles.isFile)
                return [main] + (override.map { [$0] } ?? [])
            }
            let parent = PathText.directory(of: directory)
            if parent == directory { throw .noConfigurationFile }
            directory = parent
        }
    }

    private static func absolute(_ file: String, _ start: String) -> String {
        file == "-" ? file : PathText.absolute(file, from: start)
    }
}
