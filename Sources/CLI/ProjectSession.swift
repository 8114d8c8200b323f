import Compose
import Images
import Linux
import Reconciler

/// What commands that act on a running project share: the loaded project, its lock and its runtime view.
struct ProjectSession {
    let invocation: Invocation
    let project: Project
    let runtime: ProjectRuntime
    let lock: FileLock

    /// `byName`: with no compose file, `-p NAME` alone stands for a project with nothing declared (`down`).
    init(_ invocation: Invocation, services: [String] = [], byName: Bool = false) throws {
        self.invocation = invocation
        let project = try byName ? invocation.loadProjectIfPresent(services: services) ?? Self.undeclared(invocation)
                                 : invocation.loadProject(services: services)
        self.project = project
        let root = invocation.stateRoot
        lock = try ProjectLock.acquire(project: project.name, root: root) {
            Console.err("waiting for another swcompose command on project \(project.name)\n")
        }
        runtime = ProjectRuntime(projectName: project.name, root: root)
    }

    /// Whether the project is known by name alone, not from a compose file.
    var isUndeclared: Bool { project.configFiles.isEmpty }

    private static func undeclared(_ invocation: Invocation) throws -> Project {
        try Project(document: ComposeDocument(root: .mapping([("services", .mapping([]))]), projectName: invocation.namedProject!,
                                              workingDirectory: invocation.workingDirectory, configFiles: [],
                                              environment: invocation.environment))
    }

    /// Runs a plan with the progress view; prints the plan instead under `--dry-run`.
    func execute(_ plan: Plan, heading: String, options: RuntimeActions.Options) async throws {
        for warning in plan.warnings { Console.err("WARN \(warning)\n") }
        if invocation.global.flag("dry-run") {
            Console.out(plan.description)
            return
        }
        let view = ProgressView(mode: ProgressView.mode(for: invocation), heading: heading, noStart: options.noStart)
        let provisioner = ImageProvisioner(store: ImageStore(root: runtime.root), environment: invocation.environment,
                                           builder: try invocation.serviceBuilder(project))
        let actions = RuntimeActions(project: project, runtime: runtime, provisioner: provisioner,
                                     version: SwcomposeCommand.version, options: options)
        defer { view.finish() }
        try await Executor(actions: actions, progress: view.handle).run(plan)
    }

    /// Containers of the selected services (all when none is named).
    func containers(_ services: [String]) -> [ProjectRuntime.Container] {
        runtime.projectContainers().filter { services.isEmpty || services.contains($0.service) }
    }
}

extension Invocation {
    /// `-t/--timeout` as seconds.
    func timeout() throws -> Double? {
        guard let text = options.value("timeout") else { return nil }
        guard let seconds = Double(text), seconds >= 0 else {
            throw UsageError(message: "invalid argument \"\(text)\" for \"-t, --timeout\": must be a number of seconds", command: command.name)
        }
        return seconds
    }
}
