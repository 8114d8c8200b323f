import Compose
import Glibc
import Images
import Linux
import NetAddress
import Network
import Supervisor

/// One project's containers, networks and volumes as the kernel and the state root show them.
public struct ProjectRuntime: Sendable {
    public let projectName: String
    public let root: StateRoot
    public let containers: ContainerStore

    public init(projectName: String, root: StateRoot, executable: String = "/proc/self/exe") {
        self.projectName = projectName
        self.root = root
        containers = ContainerStore(root: root, executable: executable)
    }

    /// A container of this project: its spec (with labels) and its state checked against the kernel.
    public struct Container: Sendable {
        public let spec: SupervisorSpec
        public let state: ContainerState
        public var id: String { spec.container.id }
        public var name: String { spec.container.name }
        public var service: String { spec.labels[Labels.service] ?? "" }
        public var number: Int { Int(spec.labels[Labels.number] ?? "") ?? 1 }
        public var oneOff: Bool { spec.labels[Labels.oneOff] == "True" }
    }

    public func projectContainers() -> [Container] {
        containers.list().filter { $0.project == projectName }.compactMap { state in
            (try? containers.config(state.id)).map { Container(spec: $0, state: state) }
        }.sorted { ($0.service, $0.number) < ($1.service, $1.number) }
    }

    /// Gathered once per command, under the project lock (it also sweeps half-created containers).
    public func observe() -> ObservedState {
        containers.sweepIncomplete(project: projectName)
        let allocations = (try? NetworkManager(stateRoot: root)).flatMap { try? $0.existingNetworks() } ?? []
        let group = NetworkNaming.linkGroup(project: projectName)
        let volumes = VolumeStore(root: root)
        let volumeNames = volumes.list()
        return ObservedState(
            networks: Set(allocations.map(\.name)),
            volumes: Set(volumeNames),
            containers: projectContainers().map { container in
                var observed = ObservedContainer(
                    id: container.id, name: container.name, service: container.service, number: container.number,
                    configHash: container.spec.labels[Labels.configHash] ?? "", status: Self.status(container.state.status),
                    oneOff: container.oneOff)
                observed.imageID = container.spec.imageID
                return observed
            },
            projectNetworks: Set(allocations.filter { $0.group == group }.map(\.name)),
            projectVolumes: Set(volumeNames.filter { volumes.project(of: $0) == projectName }))
    }

    static func status(_ status: ContainerState.Status) -> ObservedContainer.Status {
        switch status {
        case .created: .created
        case .running: .running
        case .restarting: .restarting
        case .paused: .paused
        case .exited: .exited
        case .dead: .orphaned
        }
    }
}
