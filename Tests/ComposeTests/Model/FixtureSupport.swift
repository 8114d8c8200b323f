import Compose
import Glibc
import YAML

/// Reads fixtures next to this file and builds documents the way the loader would hand them over.
enum Fixture {
    static let root: String = {
        let file = #filePath
        let testsDir = file[..<file.range(of: "/Model/", options: .backwards)!.lowerBound]
        return testsDir + "/Fixtures/model"
    }()

    static func directory(_ name: String) -> String { "\(root)/\(name)" }

    static func read(_ path: String) -> String? { TestFiles.read(path) }

    /// The environment the expected outputs were generated with (see Fixtures/model/gen.sh).
    static let environment = ["HOME": "/home/user", "B": "fromenv", "FLAG": "f"]

    /// Where `gen.sh` copies a case before asking docker compose for hashes: hashes cover absolute
    /// paths, so both sides must see the same directory whatever the checkout's location.
    static func hashDirectory(_ name: String) -> String { "/tmp/swcompose-fixtures/\(name)" }

    static func document(_ name: String, workingDirectory: String? = nil) throws -> ComposeDocument {
        let source = directory(name)
        let dir = workingDirectory ?? source
        let text = try #require(read("\(source)/compose.yaml"))
        let root = try #require(try YAMLParser.parse(text, file: "\(dir)/compose.yaml"))
        let profiles = (read("\(source)/profiles") ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" })
            .map(String.init).filter { $0 != "--profile" }
        return ComposeDocument(root: root, projectName: "fixture", workingDirectory: dir, configFiles: ["\(dir)/compose.yaml"],
                               environment: environment, activeProfiles: profiles)
    }

    static func expected(_ name: String, _ file: String) throws -> String {
        let dir = directory(name)
        return try #require(read("\(dir)/\(file)")).replacingAll("$FIXTURE_DIR", with: dir)
    }
}

/// A document parsed from inline YAML, for unit tests.
func document(_ yaml: String, profiles: [String] = [], requested: [String] = [],
              environment: [String: String] = ["HOME": "/home/user"]) throws -> ComposeDocument {
    let root = try #require(try YAMLParser.parse(yaml, file: "compose.yaml"))
    return ComposeDocument(root: root, projectName: "demo", workingDirectory: "/work/demo", configFiles: ["/work/demo/compose.yaml"],
                           environment: environment, activeProfiles: profiles, requestedServices: requested)
}

/// The error a document fails with, as printed.
func loadError(_ yaml: String, profiles: [String] = []) throws -> String {
    let error = try #require(throws: ComposeError.self) { try Project(document: document(yaml, profiles: profiles)) }
    return error.description
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

import Testing
