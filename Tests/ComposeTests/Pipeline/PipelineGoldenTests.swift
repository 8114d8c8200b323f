import Compose
import Glibc
import Testing

/// Whole-pipeline `config` output compared byte for byte with docker compose v2's.
@Suite struct PipelineGoldenTests {
    static let cases = ["webstack", "monorepo", "interpolation", "anchors", "overrides", "selected", "resources"]

    @Test(arguments: cases) func yamlMatchesDockerCompose(_ name: String) throws {
        let fixture = PipelineFixture(name: name)
        let rendered = ConfigRenderer.render(try fixture.project())
        let expected = try fixture.expected("expected.yaml")
        #expect(rendered == expected, "\(firstDifference(rendered, expected))")
    }

    @Test(arguments: cases) func jsonMatchesDockerCompose(_ name: String) throws {
        let fixture = PipelineFixture(name: name)
        let rendered = ConfigRenderer.render(try fixture.project(), format: .json)
        let expected = try fixture.expected("expected.json")
        #expect(rendered == expected, "\(firstDifference(rendered, expected))")
    }

    /// `config --no-interpolate`: docker compose prints its model, values still holding `${...}`.
    static let uninterpolatedCases = ["uninterpolated", "uninterpolated-resources"]

    @Test(arguments: uninterpolatedCases) func uninterpolatedYAMLMatchesDockerCompose(_ name: String) throws {
        let fixture = PipelineFixture(name: name)
        let rendered = try ConfigRenderer.renderUninterpolated(try ProjectLoader.load(fixture.options(in: fixture.directory)))
        let expected = try fixture.expected("expected.yaml")
        #expect(rendered == expected, "\(firstDifference(rendered, expected))")
    }

    @Test(arguments: uninterpolatedCases) func uninterpolatedJSONMatchesDockerCompose(_ name: String) throws {
        let fixture = PipelineFixture(name: name)
        let rendered = try ConfigRenderer.renderUninterpolated(try ProjectLoader.load(fixture.options(in: fixture.directory)), format: .json)
        let expected = try fixture.expected("expected.json")
        #expect(rendered == expected, "\(firstDifference(rendered, expected))")
    }

    /// `config --hash '*'`: every enabled service (names on the command line do not narrow it), loaded
    /// without environment resolution, from the same fixed directory `gen.sh` used.
    @Test(arguments: cases) func configHashMatchesDockerCompose(_ name: String) throws {
        let fixture = PipelineFixture(name: name)
        TestFiles.removeTree(fixture.hashDirectory)
        defer {
            TestFiles.removeTree(fixture.hashDirectory)
            // The shared parent goes with the last case (rmdir refuses while another case still uses it).
            rmdir("/tmp/swcompose-pipeline")
        }
        try TestFiles.copyTree(fixture.directory, to: fixture.hashDirectory)
        var options = fixture.options(in: fixture.hashDirectory, resolveEnvironment: false)
        options.requestedServices = []
        let project = try Project(document: try ProjectLoader.load(options))
        let expected = try fixture.expected("expected.hash").split(separator: "\n").map(String.init)
        #expect(ConfigRenderer.hashes(project) == expected)
    }
}
