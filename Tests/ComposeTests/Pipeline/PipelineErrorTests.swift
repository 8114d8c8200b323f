import Compose
import Testing

/// Bad input through the whole reader: the message names the file, line and column that caused it
/// and the key path inside the document.
@Suite struct PipelineErrorTests {
    /// What loading and modelling `Fixtures/pipeline/errors/<name>` (or inline YAML on standard input) fails with.
    func failure(_ name: String, stdin: String? = nil, services: [String] = [], profiles: [String] = [],
                 environment: [String: String] = ["HOME": "/home/user"], interpolate: Bool = true) -> String? {
        let directory = "\(PipelineFixture.root)/errors/\(name)"
        var options = LoadOptions(workingDirectory: directory, environment: environment)
        if let stdin {
            options.files = ["-"]
            options.stdinData = Array(stdin.utf8)
        }
        options.requestedServices = services
        options.profiles = profiles
        options.interpolate = interpolate
        do {
            let document = try ProjectLoader.load(options)
            // As `config` runs: without interpolation it renders the model instead of building a project.
            if interpolate { _ = try Project(document: document) } else { _ = try ConfigRenderer.renderUninterpolated(document) }
            return nil
        } catch {
            return "\(error)".replacingAll(directory, with: "$DIR")
        }
    }

    @Test func requiredVariableInAnIncludedFile() {
        #expect(failure("required-in-include")
            == "$DIR/sub/compose.yaml:3:12: services.worker.image: required variable WORKER_IMAGE is missing a value: set WORKER_IMAGE to the worker image")
        #expect(failure("required-in-include", environment: ["HOME": "/home/user", "WORKER_IMAGE": "worker:1"]) == nil)
    }

    @Test func unknownKeyInTheDiscoveredOverrideFile() {
        #expect(failure("unknown-key-override") == "$DIR/compose.override.yaml:5:5: services.web: additional property 'portz' is not allowed")
    }

    @Test func extendsCycleAcrossFiles() {
        #expect(failure("extends-cycle") == "$DIR/base/common.yaml:4:7: services.base.extends: circular reference: "
            + "web in $DIR/compose.yaml, extends base in $DIR/base/common.yaml, extends web in $DIR/compose.yaml")
    }

    static let profiled = """
    services:
      api:
        image: api
        profiles: [backend]
        depends_on: [db]
      db:
        image: postgres
        profiles: [data]
      web:
        image: nginx

    """

    @Test func namedServiceNeedsADependencyLeftOutByProfiles() {
        #expect(failure("selection", stdin: Self.profiled, services: ["api"])
            == "-:5:18: services.api.depends_on: service \"api\" depends on undefined service \"db\": it is disabled by profiles data; enable one with --profile")
        #expect(failure("selection", stdin: Self.profiled, services: ["api"], profiles: ["data"]) == nil)
    }

    @Test func unknownServiceName() {
        #expect(failure("selection", stdin: Self.profiled, services: ["nope"]) == "no such service: nope")
        #expect(failure("selection", stdin: Self.profiled, services: ["we*"]) == nil)
    }

    @Test func dependencyOnAServiceOffByProfileIsCheckedBeforeNamesWidenTheProject() {
        let yaml = "services:\n  web:\n    image: nginx\n    depends_on: [api]\n  api:\n    image: api\n    profiles: [backend]\n"
        #expect(failure("selection", stdin: yaml, services: ["api"])
            == "-:4:18: services.web.depends_on: service \"web\" depends on undefined service \"api\": it is disabled by profiles backend; enable one with --profile")
    }

    @Test func valuesValidOnlyAfterInterpolationPassWithoutIt() {
        let yaml = "services:\n  web:\n    image: nginx\n    mem_limit: ${MEM}\n"
        #expect(failure("selection", stdin: yaml)
            == "-:4:16: services.web.mem_limit: invalid size \"\": must be a byte size such as 512m, 1g or a number of bytes")
        #expect(failure("selection", stdin: yaml, interpolate: false) == nil)
    }

    @Test func shapesAreStillCheckedWithoutInterpolation() {
        func uninterpolated(_ service: String) -> String? {
            failure("selection", stdin: "services:\n  web:\n    image: nginx\n" + service, interpolate: false)
        }
        #expect(uninterpolated("    portz: [80]\n") == "-:4:5: services.web: additional property 'portz' is not allowed")
        #expect(uninterpolated("    cpus: [1]\n") == "-:4:11: services.web.cpus: must be a number, got sequence")
        #expect(uninterpolated("    depends_on: ${DB}\n") == "-:4:17: services.web.depends_on: must be a mapping, got string")
        #expect(uninterpolated("    ulimits: {nofile: \"${N}\"}\n") == "-:4:23: services.web.ulimits.nofile: must be an integer, got string")
        #expect(uninterpolated("    volumes: [{type: \"${T}\", target: /a}]\n")
            == "-:4:22: services.web.volumes[0].type: invalid volume type \"${T}\": must be bind, volume, tmpfs, npipe, cluster or image")
    }
}
