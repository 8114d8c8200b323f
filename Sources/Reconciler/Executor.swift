/// What a running plan reports, for the progress view.
public struct ProgressEvent: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case working
        case done
        case failed(String)
    }

    public let node: PlanNode
    public let phase: Phase
}

/// Carries out single plan steps; the executor decides nothing, it only orders and runs them.
public protocol PlanActions: Sendable {
    func perform(_ node: PlanNode) async throws
}

/// Walks the plan DAG: every node whose dependencies are done runs at once, in a task group.
/// The first failure stops new work; nodes already running finish, then the failure is thrown.
public struct Executor: Sendable {
    public let actions: any PlanActions
    public let progress: @Sendable (ProgressEvent) -> Void

    public init(actions: any PlanActions, progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }) {
        self.actions = actions
        self.progress = progress
    }

    public func run(_ plan: Plan) async throws {
        var remaining = Dictionary(uniqueKeysWithValues: plan.nodes.map { ($0.id, Set($0.dependencies)) })
        let byID = Dictionary(uniqueKeysWithValues: plan.nodes.map { ($0.id, $0) })
        var failure: (any Error)?
        try await withThrowingTaskGroup(of: (Int, (any Error)?).self) { group in
            var running = 0
            func launchReady() {
                guard failure == nil else { return }
                let ready = remaining.filter { $0.value.isEmpty }.keys.sorted()
                for id in ready {
                    remaining[id] = nil
                    let node = byID[id]!
                    running += 1
                    progress(ProgressEvent(node: node, phase: .working))
                    group.addTask { [actions] in
                        do {
                            try await actions.perform(node)
                            return (id, nil)
                        } catch {
                            return (id, error)
                        }
                    }
                }
            }
            launchReady()
            while running > 0, let (id, error) = try await group.next() {
                running -= 1
                let node = byID[id]!
                if let error {
                    progress(ProgressEvent(node: node, phase: .failed("\(error)")))
                    if failure == nil { failure = error }
                } else {
                    progress(ProgressEvent(node: node, phase: .done))
                    for key in remaining.keys { remaining[key]?.remove(id) }
                }
                launchReady()
            }
        }
        if let failure { throw failure }
    }
}
