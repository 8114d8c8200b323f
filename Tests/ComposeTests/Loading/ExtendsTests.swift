import Testing
import YAML
@testable import Compose

@Suite struct ExtendsTests {
    @Test func extendsAnotherFileWithPathsRebasedToItsDirectory() throws {
        let document = try LoadingFixtures.load(in: "monorepo")
        let gateway = try #require(document.root.at("services.gateway"))
        #expect(gateway.text("build") == "./common/app")
        #expect(gateway.at("volumes")?.texts == ["./common/config:/etc/app:ro", "cache:/var/cache"])
        #expect(gateway.text("environment.LOG") == "debug")
        #expect(gateway.text("environment.REGION") == "eu-west", "env_file read from the extended file's directory")
        #expect(gateway.text("image") == "gateway:dev")
        #expect(gateway.at("extends") == nil)
        #expect(gateway.at("image")?.mark.file == LoadingFixtures.path("monorepo/compose.yaml"))
        #expect(gateway.at("volumes.0")?.mark.file == LoadingFixtures.path("monorepo/common/base.yml"))
    }

    @Test func shortFormExtendsRecursively() throws {
        let worker = try #require(try LoadingFixtures.load(in: "monorepo").root.at("services.worker"))
        #expect(worker.text("build") == "./common/app")
        #expect(worker.at("command")?.texts == ["worker", "--queue", "default"])
        #expect(worker.at("profiles")?.texts == ["edge", "jobs"])
        #expect(worker.at("ports")?.texts == ["80:8080"])
    }

    @Test func cyclesNameTheChain() {
        let file = LoadingFixtures.path("errors/cycle.yml")
        #expect(LoadingFixtures.failure(in: "errors", files: ["cycle.yml"])
            == "\(file):9:14: services.c.extends: circular reference: a in \(file), extends b in \(file), "
            + "extends c in \(file), extends a in \(file)")
    }

    @Test func unknownBaseService() {
        let failure = LoadingFixtures.failure(in: "errors", files: ["-"]) {
            $0.stdinData = Array("services:\n  web:\n    extends:\n      service: nope\n".utf8)
        }
        #expect(failure == "-:4:7: services.web.extends: cannot extend service \"web\" in -: service \"nope\" not found")
    }
}

@Suite struct IncludeTests {
    @Test func includedProjectUsesItsOwnDirectoryAndEnv() throws {
        let document = try LoadingFixtures.load(in: "monorepo")
        let payments = try #require(document.root.at("services.payments"))
        #expect(payments.text("image") == "payments:v2", "PAYMENTS_TAG comes from services/payments/.env")
        #expect(payments.text("build") == "./services/payments")
        #expect(payments.at("volumes")?.texts == ["./services/payments/data:/data"])
        #expect(document.root.text("secrets.stripe_key.file") == "./services/payments/stripe.key")
        #expect(document.root.at("include") == nil)
        #expect(document.root.at("services")?.keys == ["gateway", "worker", "payments"])
        #expect(document.environment["PAYMENTS_TAG"] == nil, "the included .env stays with the included project")
    }

    @Test func conflictingDefinitionIsAnError() {
        let file = LoadingFixtures.path("errors/conflict.yml")
        #expect(LoadingFixtures.failure(in: "errors", files: ["conflict.yml"])
            == "\(file):4:3: services.db: conflicts with imported resource")
    }

    @Test func identicalDefinitionIsAccepted() throws {
        let yaml = "include:\n  - included/compose.yaml\nservices:\n  db:\n    image: postgres:15\n"
        let document = try LoadingFixtures.load(in: "errors", files: ["-"]) { $0.stdinData = Array(yaml.utf8) }
        #expect(document.root.at("services")?.keys == ["db"])
    }

    @Test func includeCycle() {
        let a = LoadingFixtures.path("errors/include-a.yml"), b = LoadingFixtures.path("errors/include-b.yml")
        #expect(LoadingFixtures.failure(in: "errors", files: ["include-a.yml"])
            == "\(b):2:5: include[0]: include cycle detected: \(a) include \(b) include \(a)")
    }
}

@Suite struct ProfileTests {
    @Test func profilesComeFromFlagsOrTheVariable() throws {
        let fromVariable = try LoadingFixtures.load(in: "monorepo", environment: ["COMPOSE_PROFILES": "edge, jobs,,edge"])
        #expect(fromVariable.activeProfiles == ["edge", "jobs"])
        let fromFlags = try LoadingFixtures.load(in: "monorepo", environment: ["COMPOSE_PROFILES": "edge"]) { options in
            options.profiles = ["billing"]
            options.requestedServices = ["worker"]
        }
        #expect(fromFlags.activeProfiles == ["billing"])
        #expect(fromFlags.requestedServices == ["worker"])
        #expect(fromFlags.root.at("services")?.keys == ["gateway", "worker", "payments"], "the loader filters nothing")
    }
}
