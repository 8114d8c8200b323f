import Linux

/// One compose implementation driven the same way for every stack: `-f FILE -p PROJECT up -d` and `down`.
struct ComposeTool {
    let label: String
    let binary: String
    let environment: [String: String]
    var isPeer = false

    func up(file: String, project: String) -> [String] { [binary, "-f", file, "-p", project, "up", "-d"] }
    func down(file: String, project: String) -> [String] { [binary, "-f", file, "-p", project, "down"] }
}

/// The stacks from the peers' scripts: busybox services that trap SIGTERM, so `down` times the tool.
enum ComposeStacks {
    static func path(services: Int, context: BenchContext) throws(BenchError) -> String {
        let directory = ProgramLocator.absolute(context.options.stacksDirectory, workingDirectory: context.workingDirectory)
        let path = "\(directory)/stack\(services).yml"
        guard FileSystem.exists(path) else {
            throw .missingProgram(name: path, hint: "pass --stacks DIR holding stack3.yml, stack10.yml and stack30.yml (shared/peers)")
        }
        return path
    }
}
