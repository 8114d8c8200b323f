import Archive
import Glibc
import Images
import Linux

/// RUN: a container over the stage's layers with a fresh upper directory, started through `__run` (the CLI is
/// multithreaded and never forks); the upper directory then becomes the step's layer.
struct RunStep {
    let builder: ImageBuilder
    let state: BuildState

    func run(_ argv: [String]) throws -> ImageStore.StoredLayer {
        let scratch = builder.store.directory + "/tmp/\(getpid())-\(UInt64.random(in: 0...UInt64.max))-build"
        defer { try? FileSystem.removeTree(scratch) }
        for directory in ["upper", "work", "merged", "empty"] { try FileSystem.createDirectory(scratch + "/" + directory) }
        var lowers = state.layers.reversed().map { builder.store.lowerDir($0.diffID) }
        // overlayfs needs one lower directory even for FROM scratch.
        if lowers.isEmpty { lowers = [scratch + "/empty"] }

        // RUN shares the host's network like `docker build --network host`: no NAT to set up or leave behind.
        var arguments = [builder.executable, "__run", "--rootfs", scratch + "/merged", "--network", "host",
                         "--cwd", state.workingDirectory]
        if let user = state.config.user, !user.isEmpty { arguments += ["--user", user] }
        for entry in state.runEnvironment { arguments += ["--env", entry] }
        for lower in lowers { arguments += ["--lower", lower] }
        arguments += ["--upper", scratch + "/upper", "--work", scratch + "/work", "--"] + argv

        let null = try FileDescriptor.open("/dev/null", .readWrite)
        defer { null.closeQuietly() }
        var spawn = Spawn(executable: builder.executable, arguments: arguments)
        let output = builder.output ?? null
        spawn.descriptors = [0: null, 1: output, 2: output]
        let pid = try spawn.run()
        let status = try Process.wait(pid)?.status
        guard let status, status.code == 0 else {
            throw StepError("process \(Self.quoted(argv)) did not complete successfully: \(status.map { "\($0)" } ?? "lost")")
        }
        var archiver = LayerArchiver()
        try archiver.appendOverlayUpper(scratch + "/upper")
        return try builder.store.addLayer(tar: archiver.finish(), what: "RUN layer")
    }

    static func quoted(_ argv: [String]) -> String {
        "\"" + argv.joined(separator: " ") + "\""
    }
}
