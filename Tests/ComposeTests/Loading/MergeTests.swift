import Testing
import YAML
@testable import Compose

@Suite struct MergeTests {
    func merge(_ base: String, _ other: String) throws -> Node {
        let merged = try NodeMerger.mergeMappings(try parseYAML(base, file: "base.yml"), try parseYAML(other, file: "over.yml"),
                                                  at: DocumentPath())
        return ResetTags.strip(SequenceUnicity.apply(merged))
    }

    @Test func mappingsMergeAndScalarsReplaceKeepingTheWinnersMark() throws {
        let node = try merge("services:\n  web:\n    image: a\n    restart: always\n", "services:\n  web:\n    image: b\n")
        #expect(node.text("services.web.image") == "b")
        #expect(node.at("services.web.image")?.mark.file == "over.yml")
        #expect(node.at("services.web.restart")?.mark.file == "base.yml")
    }

    @Test func portsVolumesSecretsMergeByIdentity() throws {
        let node = try merge("""
        services:
          web:
            ports: ["80:80", {target: 443, published: "8443"}]
            volumes: ["data:/data", "./a:/a"]
            secrets: [key, {source: cert, target: /certs/cert}]
            expose: ["3000"]
        """, """
        services:
          web:
            ports: ["80:80", {target: 443, published: "8443", mode: host}, "9090:90"]
            volumes: ["./b:/a:ro"]
            secrets: [{source: key, mode: 0400}, other]
            expose: ["3000", "4000"]
        """)
        #expect(node.at("services.web.ports")?.sequence?.count == 3)
        #expect(node.text("services.web.ports.1.mode") == "host")
        #expect(node.at("services.web.volumes")?.texts == ["data:/data", "./b:/a:ro"])
        #expect(node.text("services.web.secrets.0.mode") == "0400")
        #expect(node.at("services.web.secrets")?.sequence?.count == 3)
        #expect(node.at("services.web.expose")?.texts == ["3000", "4000"])
    }

    @Test func commandEntrypointAndHealthcheckTestAreReplaced() throws {
        let node = try merge("""
        services:
          web:
            command: [a, b]
            entrypoint: [sh]
            healthcheck: {test: [CMD, x], retries: 3}
            cap_add: [NET_ADMIN]
        """, """
        services:
          web:
            command: [c]
            entrypoint: bash
            healthcheck: {test: [CMD, y]}
            cap_add: [SYS_TIME, NET_ADMIN]
        """)
        #expect(node.at("services.web.command")?.texts == ["c"])
        #expect(node.text("services.web.entrypoint") == "bash")
        #expect(node.at("services.web.healthcheck.test")?.texts == ["CMD", "y"])
        #expect(node.text("services.web.healthcheck.retries") == "3")
        #expect(node.at("services.web.cap_add")?.texts == ["NET_ADMIN", "SYS_TIME"])
    }

    @Test func keyValueListsAndMappingsMergeAsKeyValueLists() throws {
        let node = try merge("""
        services:
          web:
            environment: [A=1, B=2, BARE]
            labels: {tier: front}
            extra_hosts: ["db=10.0.0.2"]
        """, """
        services:
          web:
            environment: {B: three, C: "4"}
            labels: [tier=back, x=y]
            extra_hosts: {db: 10.0.0.2, cache: 10.0.0.3}
        """)
        // compose-go's form: both sides as `K=v` lists (mappings sorted), a key's later value at its first place.
        #expect(node.at("services.web.environment")?.texts == ["A=1", "B=three", "BARE", "C=4"])
        #expect(node.at("services.web.labels")?.texts == ["tier=back", "x=y"])
        #expect(node.at("services.web.extra_hosts")?.texts == ["db=10.0.0.2", "cache=10.0.0.3"])
    }

    @Test func shortFormsBecomeMappingsWhenMerged() throws {
        let node = try merge("""
        services:
          web:
            depends_on: [db]
            networks: [front]
            build: ./app
            logging: {driver: json-file, options: {max-size: 1m}}
        """, """
        services:
          web:
            depends_on: {cache: {condition: service_healthy}}
            networks: {back: {aliases: [api]}}
            build: {dockerfile: Dev.Dockerfile}
            logging: {driver: syslog, options: {tag: web}}
        """)
        #expect(node.at("services.web.depends_on")?.keys == ["db", "cache"])
        #expect(node.text("services.web.depends_on.db.condition") == "service_started")
        #expect(node.at("services.web.depends_on.db.required")?.bool == true)
        #expect(node.at("services.web.networks")?.keys == ["front", "back"])
        #expect(node.text("services.web.build.context") == "./app")
        #expect(node.text("services.web.build.dockerfile") == "Dev.Dockerfile")
        #expect(node.at("services.web.logging.options")?.keys == ["tag"], "a different driver replaces the options")
    }

    @Test func resetAndOverrideTags() throws {
        let node = try merge("""
        services:
          web:
            image: a
            ports: ["80:80"]
            environment: {A: "1", B: "2"}
            labels: {b: "2", a: "1"}
            command: [x]
        """, """
        services:
          web:
            ports: !reset []
            environment: !override {C: "3"}
            labels: {a: !reset null, c: "3"}
            command: !reset null
            user: !reset root
        """)
        #expect(node.at("services.web.ports") == nil)
        #expect(node.at("services.web.environment")?.keys == ["C"])
        #expect(node.at("services.web.environment")?.tag == nil)
        #expect(node.at("services.web.labels")?.texts == ["b=2", "c=3"])
        #expect(node.at("services.web")?.keys == ["image", "environment", "labels"])
    }

    @Test func mismatchedKindsAreAnError() {
        #expect(throws: ComposeError(mark: Mark(file: "over.yml", line: 1, column: 11), path: "services",
                                     message: "cannot override a mapping with a string")) {
            try merge("services: {web: {image: a}}\n", "services: nope\n")
        }
    }
}
