import FoundationEssentials
import Images

/// `image inspect` output: docker's field names for what the store knows.
enum ImageInspect {
    struct Object: Encodable {
        let Id: String
        let RepoTags: [String]
        let RepoDigests: [String]
        let Size: Int64
        let Architecture: String
        let Os: String
        let Config: ContainerConfig?
        let RootFS: RootFS

        struct RootFS: Encodable {
            let `Type` = "layers"
            let Layers: [String]
        }
    }

    static func json(_ record: ImageRecord) throws -> String {
        let object = Object(Id: record.id, RepoTags: record.references,
                            RepoDigests: record.references.compactMap { name in
                                (try? ImageReference(parsing: name)).map { "\($0.domain)/\($0.path)@\(record.digest)" }
                            },
                            Size: record.size, Architecture: record.config.architecture, Os: record.config.os,
                            Config: record.config.config, RootFS: .init(Layers: record.diffIDs))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(object), as: UTF8.self)
    }
}
