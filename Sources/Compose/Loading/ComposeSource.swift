import YAML

/// One compose file read and parsed: its absolute path (or `-`) and its YAML documents.
struct ComposeSource {
    var path: String
    var documents: [Node]

    static func read(_ path: String, stdin: [UInt8]?) throws -> ComposeSource {
        let bytes: [UInt8]
        if path == "-" {
            bytes = try stdin ?? HostFiles.readAll(0, name: "stdin")
        } else {
            guard HostFiles.isFile(path) else { throw LoadError.cannotRead(path: path, reason: "no such file or directory") }
            bytes = try HostFiles.read(path)
        }
        do {
            let documents = try YAMLParser.parseDocuments(bytes, file: path)
            for document in documents where document.pairs == nil && !document.isNull {
                throw LoadError.notAMapping(file: path)
            }
            return ComposeSource(path: path, documents: documents.filter { !$0.isNull })
        } catch let error as YAMLError {
            throw LoadError.syntax(error.description)
        }
    }
}

/// What a project (the main one or an included one) interpolates and resolves paths with.
struct ProjectScope {
    var directory: String
    var environment: [String: String]
    var interpolate: Bool
}
