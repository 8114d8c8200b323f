/// One step of a plan. Plans print as stable text so tests compare golden strings and `--dry-run` is free.
public enum Operation: Sendable, Equatable {
    case createNetwork(String)
    case removeNetwork(String)
    case createVolume(String)
    case removeVolume(String)
    /// Create (and start unless `noStart`) container `number` of `service`.
    case createContainer(service: String, number: Int, name: String)
    /// Replace `old` with a new container of the same number: create under a temporary name, stop, remove, rename.
    case recreateContainer(old: ObservedContainer, name: String)
    case startContainer(ObservedContainer)
    /// Stop (grace period, then SIGKILL) and remove.
    case removeContainer(ObservedContainer)
    /// Wait until every container of `service` meets `condition`.
    case awaitService(String, Dependency.Condition)

    var verb: String {
        switch self {
        case .createNetwork, .createVolume, .createContainer: return "Create"
        case .removeNetwork, .removeVolume, .removeContainer: return "Remove"
        case .recreateContainer: return "Recreate"
        case .startContainer: return "Start"
        case .awaitService(_, let condition): return "Await \(condition.rawValue)"
        }
    }

    var resource: String {
        switch self {
        case .createNetwork(let name), .removeNetwork(let name): return "network \(name)"
        case .createVolume(let name), .removeVolume(let name): return "volume \(name)"
        case .createContainer(_, _, let name), .recreateContainer(_, let name): return "container \(name)"
        case .startContainer(let container), .removeContainer(let container): return "container \(container.name)"
        case .awaitService(let service, _): return "service \(service)"
        }
    }
}

public struct PlanNode: Sendable, Equatable {
    public let id: Int
    public let dependencies: [Int]
    public let operation: Operation
    /// Why this step is needed, in a few words ("missing", "config hash changed", "orphan").
    public let cause: String
}

public struct Plan: Sendable, Equatable, CustomStringConvertible {
    public var nodes: [PlanNode] = []
    /// Things worth saying that need no action (orphans kept without `--remove-orphans`).
    public var warnings: [String] = []

    public var isEmpty: Bool { nodes.isEmpty }

    @discardableResult
    mutating func add(_ operation: Operation, after dependencies: [Int] = [], cause: String) -> Int {
        let id = nodes.count + 1
        nodes.append(PlanNode(id: id, dependencies: Array(Set(dependencies)).sorted(), operation: operation, cause: cause))
        return id
    }

    /// One line a node: `[deps] -> #id resource, Verb, cause`.
    public var description: String {
        nodes.map { node in
            "[\(node.dependencies.map(String.init).joined(separator: " "))] -> #\(node.id) \(node.operation.resource), \(node.operation.verb), \(node.cause)\n"
        }.joined()
    }
}
