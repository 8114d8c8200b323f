import Compose
import Testing
import YAML
@testable import Reconciler

@Suite struct DesiredStateTests {
    func project(_ yaml: String) throws -> Project {
        let root = try #require(try YAMLParser.parse(yaml, file: "compose.yaml"))
        return try Project(document: ComposeDocument(root: root, projectName: "shop", workingDirectory: "/srv/shop",
                                                     configFiles: ["/srv/shop/compose.yaml"], environment: [:]))
    }

    let yaml = """
    services:
      web:
        image: busybox
        depends_on: [app]
        networks: [front]
      app:
        image: busybox
        depends_on:
          db: {condition: service_healthy, restart: true}
        networks: [front, back]
        deploy: {replicas: 2}
      db:
        image: busybox
        volumes: [data:/var/lib/db]
        networks: [back]
      tool:
        image: busybox
    networks:
      front: {}
      back: {name: shared-back}
    volumes:
      data: {}
    """

    @Test func namesOrderAndDependenciesFollowTheProject() throws {
        let desired = DesiredState(project: try project(yaml))
        #expect(desired.project == "shop")
        #expect(desired.networks.map(\.name) == ["shared-back", "shop_default", "shop_front"])
        #expect(desired.volumes.map(\.name) == ["shop_data"])
        let names = desired.services.map(\.name)
        #expect(names.firstIndex(of: "db")! < names.firstIndex(of: "app")!)
        #expect(names.firstIndex(of: "app")! < names.firstIndex(of: "web")!)
        let app = try #require(desired.services.first { $0.name == "app" })
        #expect(app.replicas == 2)
        #expect(app.dependencies == [Dependency(service: "db", condition: .healthy, restart: true)])
        #expect(app.networks == ["shared-back", "shop_front"])  // priority, then key name
        #expect(desired.services.first { $0.name == "db" }?.volumes == ["shop_data"])
        #expect(desired.services.first { $0.name == "tool" }?.networks == ["shop_default"])
    }

    @Test func selectingAServiceBringsItsDependenciesUnlessNoDeps() throws {
        let project = try project(yaml)
        #expect(DesiredState(project: project, selected: ["web"]).services.map(\.name) == ["db", "app", "web"])
        #expect(DesiredState(project: project, selected: ["web"], noDeps: true).services.map(\.name) == ["web"])
    }

    @Test func linksBecomeResolverAliases() {
        #expect(ContainerSpecBuilder.link("db:database") == ["database", "db"])
        #expect(ContainerSpecBuilder.link("db") == nil)
        #expect(ContainerSpecBuilder.link("db:db") == nil)
    }
}

@Suite struct UnsupportedKeysTests {
    @Test func namesEachIgnoredKeyOnce() throws {
        let root = try #require(try YAMLParser.parse("""
        services:
          a: {image: busybox, logging: {driver: none}, security_opt: ["no-new-privileges"]}
          b: {image: busybox, logging: {driver: none}, blkio_config: {weight: 100, device_read_bps: [{path: /dev/sda, rate: 1mb}]}}
          c: {image: busybox, secrets: [s]}
        secrets:
          s: {file: ./s.txt}
        """, file: "compose.yaml"))
        let project = try Project(document: ComposeDocument(root: root, projectName: "p", workingDirectory: "/p",
                                                            configFiles: [], environment: [:]))
        #expect(UnsupportedKeys.used(in: project, services: ["a", "b"]) == ["blkio_config.device_read_bps", "logging", "security_opt"])
        #expect(UnsupportedKeys.used(in: project, services: ["c"]) == ["secrets"])
    }
}
