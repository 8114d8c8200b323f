import Linux
import FoundationEssentials
import Images

enum ImagesCommand {
    static let spec = CommandSpec(
        "images", "List images used by the created containers", arguments: "[SERVICE...]",
        options: [
            .value("format", "FORMAT", "Format the output", choices: ["table", "json"]),
            .flag("quiet", short: "q", "Only display IDs"),
        ]
    ) { invocation in
        let view = try ProjectView(invocation, services: invocation.arguments)
        let store = ImageStore(root: invocation.stateRoot)
        let rows = view.containers(invocation.arguments, oneOff: true).map { container -> ImageRow in
            let (repository, tag) = ImageCommand.split(container.spec.image)
            let size = (try? store.inspect(container.spec.imageID))?.size ?? 0
            return ImageRow(ContainerName: container.name, Repository: repository, Tag: tag, ID: container.spec.imageID, Size: size)
        }
        if invocation.options.flag("quiet") {
            var ids: [String] = []
            for row in rows where !ids.contains(row.ID) { ids.append(row.ID) }
            Console.out(ids.map { $0 + "\n" }.joined())
        } else if invocation.options.value("format") == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            Console.out(String(decoding: try encoder.encode(rows), as: UTF8.self) + "\n")
        } else {
            Console.out(Table.render(["CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE"], rows.map {
                [$0.ContainerName, $0.Repository, $0.Tag, Digest.short($0.ID), Table.size($0.Size)]
            }))
        }
        return 0
    }
}

/// One row of `images`, with docker compose's JSON field names.
struct ImageRow: Encodable {
    let ContainerName, Repository, Tag, ID: String
    let Size: Int64
}
