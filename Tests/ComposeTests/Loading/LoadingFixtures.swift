import Testing
import YAML
@testable import Compose

/// Fixture paths found from this file's own path (no Foundation, no Bundle).
enum LoadingFixtures {
    static let root: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/Fixtures/loading"
    }()

    static func path(_ relative: String) -> String { "\(root)/\(relative)" }

    static func options(in directory: String, files: [String] = [], environment: [String: String] = ["HOME": "/root"],
                        configure: (inout LoadOptions) -> Void = { _ in }) -> LoadOptions {
        var options = LoadOptions(files: files, workingDirectory: path(directory), environment: environment)
        configure(&options)
        return options
    }

    static func load(in directory: String, files: [String] = [], environment: [String: String] = ["HOME": "/root"],
                     configure: (inout LoadOptions) -> Void = { _ in }) throws -> ComposeDocument {
        try ProjectLoader.load(options(in: directory, files: files, environment: environment, configure: configure))
    }

    /// The text a load failure prints.
    static func failure(in directory: String, files: [String] = [], environment: [String: String] = [:],
                        configure: (inout LoadOptions) -> Void = { _ in }) -> String? {
        do {
            _ = try load(in: directory, files: files, environment: environment, configure: configure)
            return nil
        } catch {
            return "\(error)"
        }
    }
}

extension Node {
    /// Follows `services.web.ports` style paths; numbers index sequences.
    func at(_ path: String) -> Node? {
        var node: Node? = self
        for part in path.split(separator: ".") {
            if let index = Int(part) {
                node = node?.sequence.flatMap { index < $0.count ? $0[index] : nil }
            } else {
                node = node?[String(part)]
            }
        }
        return node
    }

    func text(_ path: String) -> String? { at(path)?.scalar }

    var keys: [String] { pairs?.compactMap(\.key.scalar) ?? [] }

    var texts: [String] { sequence?.compactMap(\.scalar) ?? [] }
}

func parseYAML(_ text: String, file: String = "test.yml") throws -> Node {
    try #require(try YAMLParser.parse(text, file: file))
}
