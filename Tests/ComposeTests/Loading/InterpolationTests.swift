import Testing
import YAML
@testable import Compose

@Suite struct InterpolationTests {
    func interpolate(_ text: String, _ environment: [String: String]) throws -> (Node, [LoadWarning]) {
        var interpolator = NodeInterpolator(environment: environment)
        let node = try interpolator.interpolate(try parseYAML(text, file: "compose.yaml"))
        return (node, interpolator.warnings)
    }

    @Test func valuesChangeKeysDoNot() throws {
        let (node, _) = try interpolate("services:\n  web:\n    environment:\n      ${KEY}: ${VALUE}\n", ["KEY": "k", "VALUE": "v"])
        #expect(node.at("services.web.environment")?.keys == ["${KEY}"])
        #expect(node.text("services.web.environment.${KEY}") == "v")
    }

    @Test func stylesAndMarksAreKept() throws {
        let (node, _) = try interpolate("replicas: ${N}\nquoted: \"${N}\"\nempty: ${UNSET-}\nnull: ${NULLISH}\n",
                                        ["N": "3", "NULLISH": "null"])
        #expect(node.at("replicas")?.int == 3)
        #expect(node.at("replicas")?.mark == Mark(file: "compose.yaml", line: 1, column: 11))
        #expect(node.at("quoted")?.style == .doubleQuoted)
        #expect(node.at("empty")?.isNull == false && node.text("empty") == "")
        #expect(node.at("null")?.isNull == false && node.text("null") == "null")
    }

    @Test func unsetVariablesWarnWithTheirPlace() throws {
        let (node, warnings) = try interpolate("services:\n  web:\n    ports:\n      - \"${PORT}:80\"\n", [:])
        #expect(node.text("services.web.ports.0") == ":80")
        #expect(warnings.map(\.description)
            == ["compose.yaml:4:9: services.web.ports[0]: the \"PORT\" variable is not set, defaulting to a blank string"])
    }

    @Test func requiredVariableErrorHasFileLineColumnAndPath() {
        let file = LoadingFixtures.path("errors/required.yml")
        #expect(LoadingFixtures.failure(in: "errors", files: ["required.yml"])
            == "\(file):3:12: services.web.image: required variable IMAGE is missing a value: please set IMAGE")
    }

    @Test func interpolationCanBeTurnedOff() throws {
        let document = try LoadingFixtures.load(in: "errors", files: ["required.yml"]) { $0.interpolate = false }
        #expect(document.root.text("services.web.image") == "${IMAGE:?please set IMAGE}")
    }

    @Test func warningsComeBackFromTheLoader() throws {
        let (_, warnings) = try ProjectLoader.loadWithWarnings(LoadingFixtures.options(in: "monorepo", environment: [:]))
        #expect(warnings.isEmpty)
        let (document, unset) = try ProjectLoader.loadWithWarnings(LoadingFixtures.options(in: "errors", files: ["-"]) {
            $0.stdinData = Array("services:\n  a:\n    image: $NOPE\n".utf8)
        })
        #expect(document.root.text("services.a.image") == "")
        #expect(unset.map(\.message) == ["the \"NOPE\" variable is not set, defaulting to a blank string"])
    }
}
