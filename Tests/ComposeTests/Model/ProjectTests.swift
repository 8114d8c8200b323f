import Compose
import Testing

@Suite struct ProjectTests {
    static let stack = """
    services:
      web:
        build: .
        depends_on: [api, cache]
        networks:
          front:
            aliases: [www]
      api:
        image: api:1
        depends_on:
          db: {condition: service_healthy}
        networks: [front, back]
        volumes: ["data:/data"]
      db:
        image: postgres
        networks: [back]
      cache:
        image: redis
      debug:
        image: busybox
        profiles: [debug, tools]
        volumes: ["logs:/logs"]
    networks:
      front:
      back:
    volumes:
      data:
      logs:
        external: true
    """

    @Test func profilesFilterServices() throws {
        let plain = try Project(document: document(Self.stack))
        #expect(plain.services.map(\.name) == ["api", "cache", "db", "web"])
        #expect(plain.disabledServices.map(\.name) == ["debug"])
        #expect(try Project(document: document(Self.stack, profiles: ["tools"])).service(named: "debug") != nil)
        #expect(try Project(document: document(Self.stack, profiles: ["*"])).service(named: "debug") != nil)
        #expect(try Project(document: document(Self.stack, requested: ["debug"])).service(named: "debug") != nil)
    }

    @Test func graphLevelsAndAliases() throws {
        let graph = ServiceGraph(project: try Project(document: document(Self.stack)))
        #expect(graph.levels == [["cache", "db"], ["api"], ["web"]])
        #expect(graph.reverseLevels == [["web"], ["api"], ["cache", "db"]])
        #expect(graph.attachments["web"]?.map(\.network) == ["front"])
        #expect(graph.attachments["web"]?.first?.aliases == ["web", "www"])
        #expect(graph.attachments["cache"]?.map(\.network) == ["default"])
        #expect(graph.attachments["api"]?.map(\.network) == ["back", "front"])
        #expect(graph.volumes["api"] == ["data"])
    }

    @Test func networkModeServiceIsADependency() throws {
        let project = try Project(document: document("services:\n  app:\n    image: a\n  side:\n    image: b\n    network_mode: service:app\n"))
        #expect(ServiceGraph(project: project).levels == [["app"], ["side"]])
        #expect(project.service(named: "side")?.networks.isEmpty == true)
    }

    @Test func resourceNamesAndListings() throws {
        let project = try Project(document: document(Self.stack))
        #expect(project.networks["front"]?.name == "demo_front")
        #expect(project.networks["default"]?.name == "demo_default")
        // As compose: resources only disabled services use are left out.
        #expect(project.volumes["logs"] == nil)
        #expect(ConfigRenderer.serviceNames(project) == ["api", "cache", "db", "web"])
        #expect(ConfigRenderer.volumeNames(project) == ["data"])
        let debugging = try Project(document: document(Self.stack, profiles: ["debug"]))
        #expect(debugging.volumes["logs"]?.name == "logs" && debugging.volumes["logs"]?.external == true)
        #expect(ConfigRenderer.networkNames(project) == ["back", "default", "front"])
        #expect(ConfigRenderer.profileNames(project) == ["debug", "tools"])
        #expect(ConfigRenderer.images(project) == ["api:1", "redis", "postgres", "demo-web"])
    }

    @Test func configHashIgnoresScaleBuildAndDependencies() throws {
        let base = try Project(document: document("services:\n  web:\n    image: a\n"))
        let scaled = try Project(document: document("services:\n  web:\n    image: a\n    scale: 3\n    build: .\n    pull_policy: build\n"))
        let changed = try Project(document: document("services:\n  web:\n    image: b\n"))
        let hash = base.configHash(of: base.services[0])
        #expect(hash.count == 64)
        #expect(scaled.configHash(of: scaled.services[0]) == hash)
        #expect(changed.configHash(of: changed.services[0]) != hash)
        #expect(ConfigRenderer.hashes(base) == ["web \(hash)"])
    }

    @Test func emptyCommandStaysAndNullCommandGoes() throws {
        let project = try Project(document: document("services:\n  a:\n    image: x\n    command: \"\"\n  b:\n    image: x\n    command: null\n"))
        let text = ConfigRenderer.render(project)
        #expect(text.contains("  a:\n    command: []\n"))
        #expect(text.contains("  b:\n    image: x\n"))
    }
}
