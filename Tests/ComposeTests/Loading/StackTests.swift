import Testing
import YAML
@testable import Compose

/// The web + database + cache stack with its development override, checked against what
/// `docker compose config` prints for the same files.
@Suite struct StackTests {
    @Test func developmentOverrideMergesOntoTheStack() throws {
        let document = try LoadingFixtures.load(in: "webstack")
        let root = document.root
        #expect(document.projectName == "shopfront")
        #expect(root.at("services")?.keys == ["web", "db", "cache"])

        let web = try #require(root.at("services.web"))
        #expect(web.text("image") == "nginx:1.27-alpine")
        #expect(web.at("ports")?.texts == ["8080:80", "8443:443"])
        #expect(web.at("command")?.texts == ["nginx-debug", "-g", "daemon off;"])
        #expect(web.at("depends_on")?.keys == ["db", "cache"])
        #expect(web.text("depends_on.db.condition") == "service_healthy")
        #expect(web.text("depends_on.cache.condition") == "service_started")
        #expect(web.at("labels")?.texts == ["tier=front-dev", "dev=true"])
        let environment = try #require(web.at("environment"))
        #expect(environment.text("API_URL") == "http://api:80801")
        #expect(environment.text("APP_MODE") == "production")
        #expect(environment.text("DEBUG") == "1")
        #expect(environment.text("LOG_LEVEL") == "debug")
        #expect(environment.text("HOME") == "/root")

        #expect(root.at("services.db.volumes")?.texts
            == ["db-data:/var/lib/postgresql/data", "./seed:/docker-entrypoint-initdb.d:ro"])
        #expect(root.at("services.cache.command") == nil)
        #expect(root.at("services.cache.healthcheck.test")?.texts == ["CMD-SHELL", "redis-cli ping | grep PONG"])
        #expect(root.text("services.cache.healthcheck.interval") == "5s")
        #expect(root.at("volumes")?.keys == ["db-data"])
    }

    @Test func marksPointAtTheFileThatWon() throws {
        let root = try LoadingFixtures.load(in: "webstack").root
        let override = LoadingFixtures.path("webstack/compose.override.yaml")
        #expect(root.at("services.web.command")?.mark == Mark(file: override, line: 9, column: 14))
        #expect(root.at("services.web.image")?.mark.file == LoadingFixtures.path("webstack/compose.yaml"))
    }
}
