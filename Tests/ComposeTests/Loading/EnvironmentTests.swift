import Testing
import YAML
@testable import Compose

@Suite struct EnvironmentTests {
    @Test func dotEnvFeedsInterpolationAndTheShellWins() throws {
        let document = try LoadingFixtures.load(in: "webstack", environment: ["NGINX_TAG": "shell", "HOME": "/root"])
        #expect(document.root.text("services.web.image") == "nginx:shell")
        #expect(document.root.text("services.db.environment.POSTGRES_PASSWORD") == "s3cr\"et")
        #expect(document.root.text("services.db.environment.GREETING") == "hello\nworld")
        #expect(document.environment["API_PORT"] == "80801")
        #expect(document.environment["NGINX_TAG"] == "shell")
    }

    @Test func dotEnvCanBeDisabled() throws {
        let document = try LoadingFixtures.load(in: "webstack", files: ["compose.yaml"],
                                                environment: ["COMPOSE_DISABLE_ENV_FILE": "true", "DB_PASSWORD": "x"])
        #expect(document.environment["WEB_PORT"] == nil)
        #expect(document.root.text("services.web.image") == "nginx:1.27")
    }

    @Test func envFileOptionReplacesDotEnv() throws {
        let document = try LoadingFixtures.load(in: "webstack", files: ["compose.yaml"]) { options in
            options.envFiles = ["app.env", ".env"]
        }
        #expect(document.environment["APP_MODE"] == "production")
        #expect(document.environment["WEB_PORT"] == "8080")
        let missing = LoadingFixtures.path("webstack/none.env")
        #expect(LoadingFixtures.failure(in: "webstack") { $0.envFiles = ["none.env"] } == "couldn't find env file: \(missing)")
    }

    @Test func serviceEnvFilesResolveIntoEnvironment() throws {
        let document = try LoadingFixtures.load(in: "webstack", files: ["compose.yaml"])
        let environment = try #require(document.root.at("services.web.environment"))
        #expect(environment.keys == ["APP_MODE", "LOG_LEVEL", "DEBUG", "API_URL", "HOME"])
        #expect(environment.text("LOG_LEVEL") == "info")
        #expect(environment.at("DEBUG")?.isNull == true, "a bare name the shell does not set stays null and wins")
        #expect(environment.text("HOME") == "/root")
        #expect(environment.text("API_URL") == "http://api:80801")
        #expect(document.root.at("services.web.env_file") == nil)
    }

    @Test func envFileForms() throws {
        let yaml = """
        services:
          a:
            image: x
            env_file:
              - path: app.env
                format: raw
              - path: missing.env
                required: false
            environment:
              LOG_LEVEL: override
        """
        let document = try LoadingFixtures.load(in: "webstack", files: ["-"]) { $0.stdinData = Array(yaml.utf8) }
        #expect(document.root.text("services.a.environment.LOG_LEVEL") == "override")
        #expect(document.root.text("services.a.environment.APP_MODE") == "production")
    }

    @Test func missingRequiredEnvFileIsAnError() {
        let missing = LoadingFixtures.path("webstack/missing.env")
        let failure = LoadingFixtures.failure(in: "webstack", files: ["-"]) {
            $0.stdinData = Array("services:\n  a:\n    image: x\n    env_file: missing.env\n".utf8)
        }
        #expect(failure == "-:4:15: services.a.env_file: env file \(missing) not found: no such file or directory")
    }
}
