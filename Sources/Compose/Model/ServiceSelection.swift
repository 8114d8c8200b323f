import Glibc
import YAML

/// Which services a command works on, as compose decides it: active profiles enable services; services
/// named on the command line (globs allowed) turn on their own profiles, and the command then covers
/// those services plus everything they depend on.
struct ServiceSelection {
    /// All services of the project, sorted by name.
    let all: [Service]

    /// Services without profiles or with an active one (`*` activates every profile).
    func enabled(profiles: [String]) -> [Service] {
        let active = Set(profiles)
        return all.filter { $0.profiles.isEmpty || active.contains("*") || !active.isDisjoint(with: $0.profiles) }
    }

    /// The named services and their dependencies, with dependencies on services left out dropped
    /// (only optional ones can be). Throws for a name that matches no service and for a required
    /// dependency that profiles leave out.
    func select(_ requested: [String], profiles: [String]) throws(ComposeError) -> [Service] {
        let alreadyEnabled = Set(enabled(profiles: profiles).map(\.name))
        var widened = profiles
        for name in requested where !alreadyEnabled.contains(name) {
            widened += all.first { $0.name == name }?.profiles ?? []
        }
        let candidates = enabled(profiles: widened)
        var chosen = Set<String>()

        func visit(_ patterns: [String], neededBy dependent: Service?) throws(ComposeError) {
            for pattern in patterns {
                let matches = candidates.filter { fnmatch(pattern, $0.name, 0) == 0 }
                if matches.isEmpty {
                    guard let dependent else { throw ComposeError(mark: .unknown, path: "", message: "no such service: \(pattern)") }
                    if dependent.dependsOn[pattern]?.required == false { continue }
                    throw missingDependency(pattern, of: dependent)
                }
                for service in matches where chosen.insert(service.name).inserted {
                    try visit(service.dependsOn.keys.sorted(), neededBy: service)
                }
            }
        }
        try visit(requested, neededBy: nil)

        return candidates.filter { chosen.contains($0.name) }.map { service in
            var service = service
            if let dependencies = service.node["depends_on"], let pairs = dependencies.pairs {
                let kept = pairs.filter { chosen.contains($0.key.scalar ?? "") }
                if kept.isEmpty {
                    service.remove("depends_on")
                } else if kept.count != pairs.count {
                    service.set("depends_on", Node(.mapping(kept), mark: dependencies.mark))
                }
            }
            return service
        }
    }

    private func missingDependency(_ name: String, of service: Service) -> ComposeError {
        let keyNode = service.node["depends_on"]?.pairs?.first { $0.key.scalar == name }?.key ?? service.node
        var message = "service \"\(service.name)\" depends on undefined service \"\(name)\""
        if let disabled = all.first(where: { $0.name == name }) {
            message += ": it is disabled by profiles \(disabled.profiles.joined(separator: ", ")); enable one with --profile"
        }
        return ComposeError(keyNode, "services.\(service.name).depends_on", message)
    }
}
