import Foundation
import Testing

/// `config` through the CLI: flags that change what is printed (the golden outputs are in ComposeTests).
@Suite struct ConfigTests {
    static let compose = """
        services:
          web:
            image: "nginx:${TAG:-latest}"
            ports: ["8080:80", "${PORT:-8080}:81"]
            cpus: ${CPUS:-0.5}
            depends_on: [db]
          db:
            image: busybox
        """

    @Test func noInterpolatePrintsTheModelAsWritten() throws {
        let stack = try Stack(Self.compose, name: "cfg")
        defer { stack.tearDown() }
        let yaml = stack.run(["config", "--no-interpolate"])
        #expect(yaml.status == 0, "\(yaml.stderr)")
        #expect(yaml.stdout.contains("    cpus: ${CPUS:-0.5}\n"))
        #expect(yaml.stdout.contains("    ports:\n      - 8080:80\n      - ${PORT:-8080}:81\n"))
        #expect(yaml.stdout.contains("      db:\n        condition: service_started\n        required: true\n"))

        // Like Go's json.MarshalIndent: no newline after the closing brace.
        let json = stack.run(["config", "--no-interpolate", "--format", "json"])
        #expect(json.status == 0 && json.stdout.hasSuffix("\n}") && json.stdout.contains("\"image\": \"nginx:${TAG:-latest}\""))

        let named = stack.run(["config", "--no-interpolate", "web"])
        #expect(named.stdout == yaml.stdout)
        #expect(named.stderr.contains("service filtering is not applied when --no-interpolate is set"))
    }

    @Test func noInterpolateStillChecksShapes() throws {
        let stack = try Stack("services:\n  web:\n    image: nginx\n    depends_on: ${DB}\n", name: "cfg")
        defer { stack.tearDown() }
        let result = stack.run(["config", "--no-interpolate", "-q"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("services.web.depends_on: must be a mapping, got string"))
        #expect(result.stdout.isEmpty)
    }
}
