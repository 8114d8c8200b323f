import YAML

/// Assembles the printed project tree in docker compose's top-level order.
enum ProjectRendering {
    static func tree(_ project: Project, normalised: Node) -> Node {
        let mark = normalised.mark
        var pairs: [(String, Node)] = [("name", .text(project.name, at: mark))]
        pairs.append(("services", .map(project.services.map { ($0.name, $0.node) }, at: normalised["services"]?.mark ?? mark)))
        for (key, table) in [("networks", project.networks), ("volumes", project.volumes),
                             ("secrets", project.secrets), ("configs", project.configs)] where !table.isEmpty {
            pairs.append((key, .map(table.sorted { $0.key < $1.key }.map { ($0.key, $0.value.node) }, at: mark)))
        }
        if let models = normalised["models"], !models.isEmptyValue { pairs.append(("models", models)) }
        pairs += project.extensions.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return .map(pairs, at: mark)
    }
}
