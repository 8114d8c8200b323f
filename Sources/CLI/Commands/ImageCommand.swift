import Images
import Linux

/// `swcompose image ...`: the local image store.
enum ImageCommand {
    static let spec = CommandSpec("image", "Manage images", subcommands: [load, importRootfs, list, inspect, remove, prune])

    static let load = CommandSpec(
        "image load", "Load images from a docker save archive or an OCI archive/layout",
        options: [.value("input", short: "i", "FILE", "Read from the archive FILE"), .flag("quiet", short: "q", "Suppress the load output")]
    ) { invocation in
        guard let input = invocation.options.value("input") ?? invocation.arguments.first else {
            throw UsageError(message: "image load needs an archive: -i FILE", command: "image load")
        }
        let references = try ImageStore(root: invocation.stateRoot).load(archive: input)
        if !invocation.options.flag("quiet") {
            for reference in references { Console.out("Loaded image: \(reference)\n") }
        }
        return 0
    }

    static let importRootfs = CommandSpec(
        "image import", "Import a root filesystem tarball as an image", arguments: "FILE [REPOSITORY[:TAG]]"
    ) { invocation in
        guard let file = invocation.arguments.first, invocation.arguments.count <= 2 else {
            throw UsageError(message: "image import needs a tar file and an optional name", command: "image import")
        }
        let record = try ImageStore(root: invocation.stateRoot).import(rootfsTar: file, reference: invocation.arguments.dropFirst().first)
        Console.out(record.id + "\n")
        return 0
    }

    static let list = CommandSpec(
        "image ls", "List images", options: [.flag("quiet", short: "q", "Only show image IDs")]
    ) { invocation in
        let images = ImageStore(root: invocation.stateRoot).list()
        if invocation.options.flag("quiet") {
            Console.out(images.map { Digest.short($0.id) + "\n" }.joined())
            return 0
        }
        var rows: [[String]] = []
        for image in images {
            let references = image.references.isEmpty ? ["<none>:<none>"] : image.references
            for reference in references {
                let (repository, tag) = split(reference)
                rows.append([repository, tag, Digest.short(image.id), Table.size(image.size)])
            }
        }
        Console.out(Table.render(["REPOSITORY", "TAG", "IMAGE ID", "SIZE"], rows))
        return 0
    }

    static let inspect = CommandSpec("image inspect", "Display detailed information on images", arguments: "IMAGE...") { invocation in
        let store = ImageStore(root: invocation.stateRoot)
        var objects: [String] = []
        for name in invocation.arguments {
            let record = try store.inspect(name)
            objects.append(try ImageInspect.json(record))
        }
        Console.out("[" + objects.joined(separator: ",\n") + "]\n")
        return 0
    }

    static let remove = CommandSpec(
        "image rm", "Remove images", arguments: "IMAGE...",
        options: [.flag("force", short: "f", "Remove the image even if a stopped container uses it")]
    ) { invocation in
        let store = ImageStore(root: invocation.stateRoot)
        let users = ContainerUsage(root: invocation.stateRoot)
        for name in invocation.arguments {
            for line in try store.remove(name, force: invocation.options.flag("force"), usedBy: users.container(using:)) {
                Console.out(line + "\n")
            }
        }
        return 0
    }

    static let prune = CommandSpec("image prune", "Remove unused layers and blobs", options: [.flag("force", short: "f", "Do not prompt")]) { invocation in
        let report = try ImageStore(root: invocation.stateRoot).prune()
        for blob in report.blobs { Console.out("deleted: \(blob)\n") }
        Console.out("Deleted \(report.blobs.count) blobs and \(report.layers.count) layers\n")
        return 0
    }

    /// `docker.io/library/busybox:latest` → (`busybox`, `latest`), as docker lists it.
    static func split(_ reference: String) -> (String, String) {
        var name = reference
        var tag = "<none>"
        if let at = name.firstIndex(of: "@") {
            name = String(name[..<at])
        } else if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") {
            tag = String(name[name.index(after: colon)...])
            name = String(name[..<colon])
        }
        for prefix in ["docker.io/library/", "docker.io/"] where name.hasPrefix(prefix) {
            name = String(name.dropFirst(prefix.count))
            break
        }
        return (name, tag)
    }
}
