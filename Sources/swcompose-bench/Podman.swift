import Glibc
import Linux

/// podman (and podman-compose, which runs `podman`) with its storage under the work directory and the
/// container limits this machine allows, so nothing lands in /var/lib/containers and all of it goes away.
struct Podman {
    let binary: String
    let environment: [String: String]
    let graphRoot: String
    let runRoot: String

    init(binary: String, context: BenchContext) throws(BenchError) {
        self.binary = binary
        let directory = "\(context.workDirectory)/podman"
        graphRoot = "\(directory)/root"
        runRoot = "\(directory)/run"
        try context.makeDirectory(directory)
        let storage = "\(directory)/storage.conf"
        let text = "[storage]\ndriver = \"overlay\"\ngraphroot = \"\(graphRoot)\"\nrunroot = \"\(runRoot)\"\n"
        do { try FileSystem.writeAtomically(storage, text) } catch { throw .system(what: "write \(storage)", error) }
        let containersConf = ProgramLocator.absolute(context.options.containersConf, workingDirectory: context.workingDirectory)
        guard FileSystem.exists(containersConf) else {
            throw .missingProgram(name: containersConf, hint: "podman needs ulimits this machine allows; pass --containers-conf PATH")
        }
        var environment = context.environment
        environment["CONTAINERS_STORAGE_CONF"] = storage
        environment["CONTAINERS_CONF"] = containersConf
        self.environment = environment
    }

    func command(_ arguments: [String]) -> [String] { [binary] + arguments }

    /// `podman import` of the busybox tar under the benchmarks' image name, replacing an older one.
    func importImage(_ image: BusyboxImage, context: BenchContext) throws(BenchError) {
        _ = try? ProcessRunner.run(command(["rmi", "-f", BusyboxImage.reference]), environment: environment,
                                   stderrPath: context.stderrPath("podman-rmi"))
        _ = try ProcessRunner.runChecked(command(["import", "--change", "CMD=/bin/sh", image.tarPath, BusyboxImage.reference]),
                                         environment: environment, stderrPath: context.stderrPath("podman-import"))
    }

    /// Removes every container, pod, network, volume and image of this storage, then the storage itself.
    func removeEverything(context: BenchContext) {
        let steps = [["rm", "-af", "-t", "0"], ["pod", "rm", "-af"], ["network", "prune", "-f"], ["volume", "prune", "-f"], ["rmi", "-af"]]
        for step in steps {
            _ = try? ProcessRunner.run(command(step), environment: environment, stderrPath: context.stderrPath("podman-cleanup"))
        }
        // containers/storage leaves its overlay directory bind-mounted on itself, and shm mounts under run.
        for mount in Self.mounts(under: [graphRoot, runRoot]).reversed() { umount2(mount, Int32(MNT_DETACH)) }
        do {
            try FileSystem.removeTree(graphRoot)
            try FileSystem.removeTree(runRoot)
        } catch {
            context.note("podman storage not fully removed: \(error)")
        }
    }

    /// Mount points below any of `roots`, in mount order.
    static func mounts(under roots: [String]) -> [String] {
        guard let text = try? FileSystem.readString("/proc/self/mountinfo") else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { return nil }
            let point = String(fields[4])
            return roots.contains { point == $0 || point.hasPrefix($0 + "/") } ? point : nil
        }
    }
}
