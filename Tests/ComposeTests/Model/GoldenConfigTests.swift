import Compose
import Testing

/// Renders each fixture with the model and compares byte for byte with docker compose v2's own output.
@Suite struct GoldenConfigTests {
    static let cases = ["full-stack", "build-and-options", "app-stack"]

    @Test(arguments: cases) func yamlMatchesDockerCompose(_ name: String) throws {
        let project = try Project(document: Fixture.document(name))
        let rendered = ConfigRenderer.render(project)
        let expected = try Fixture.expected(name, "expected.yaml")
        #expect(rendered == expected)
        if rendered != expected { print(firstDifference(rendered, expected)) }
    }

    @Test(arguments: cases) func jsonMatchesDockerCompose(_ name: String) throws {
        let project = try Project(document: Fixture.document(name))
        let rendered = ConfigRenderer.render(project, format: .json)
        let expected = try Fixture.expected(name, "expected.json")
        #expect(rendered == expected)
        if rendered != expected { print(firstDifference(rendered, expected)) }
    }

    @Test(arguments: cases) func configHashMatchesDockerCompose(_ name: String) throws {
        let project = try Project(document: Fixture.document(name, workingDirectory: Fixture.hashDirectory(name)))
        let expected = try Fixture.expected(name, "expected.hash").split(separator: "\n").map(String.init)
        #expect(ConfigRenderer.hashes(project) == expected)
    }

    func firstDifference(_ a: String, _ b: String) -> String {
        let left = a.split(separator: "\n", omittingEmptySubsequences: false)
        let right = b.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(left.count, right.count) {
            let l = index < left.count ? String(left[index]) : "<end>"
            let r = index < right.count ? String(right[index]) : "<end>"
            if l != r { return "line \(index + 1): got `\(l)` expected `\(r)`" }
        }
        return "equal"
    }
}
