import Compose
import Testing
import YAML

@Suite struct ShortSyntaxTests {
    func service(_ body: String, extra: String = "") throws -> Service {
        let yaml = "services:\n  web:\n    image: nginx\n" + body + extra
        return try #require(try Project(document: document(yaml)).service(named: "web"))
    }

    @Test func portsInEverySyntax() throws {
        let web = try service("""
            ports:
              - 80
              - "8080:80"
              - "127.0.0.1:8081-8082:81-82/udp"
              - "[::1]:53:53/udp"
              - "9000-9001:9000"
              - target: 443
                published: 8443
        """ + "\n")
        let ports = web.ports.map { "\($0.hostIP ?? "*")|\($0.published ?? "-")|\($0.target)/\($0.proto)|\($0.mode)" }
        #expect(ports == [
            "*|-|80/tcp|ingress", "*|8080|80/tcp|ingress", "127.0.0.1|8081|81/udp|ingress", "127.0.0.1|8082|82/udp|ingress",
            "::1|53|53/udp|ingress", "*|9000-9001|9000/tcp|ingress", "*|8443|443/tcp|ingress",
        ])
    }

    @Test func volumesInEverySyntax() throws {
        let web = try service("""
            volumes:
              - ./html:/usr/share/nginx/html:ro
              - data:/data:nocopy
              - /var/log:/var/log:rw,Z,rshared
              - ~/cfg:/cfg
              - /anon
              - type: tmpfs
                target: /tmp
                tmpfs: {size: 64m, mode: 0o1777}
        volumes:
          data:
        """ + "\n")
        let volumes = web.volumes
        #expect(volumes.map(\.type) == ["bind", "volume", "bind", "bind", "volume", "tmpfs"])
        #expect(volumes[0].source == "/work/demo/html" && volumes[0].readOnly && volumes[0].createHostPath)
        #expect(volumes[1].source == "data" && volumes[1].noCopy)
        #expect(volumes[2].selinux == "Z" && volumes[2].propagation == "rshared" && !volumes[2].readOnly)
        #expect(volumes[3].source == "/home/user/cfg")
        #expect(volumes[4].source == nil && volumes[4].target == "/anon")
        #expect(volumes[5].tmpfsSize == 64 << 20 && volumes[5].tmpfsMode == 0o1777)
    }

    @Test func dependsOnListBecomesStartedAndRequired() throws {
        let yaml = "services:\n  web:\n    image: a\n    depends_on: [db]\n  db:\n    image: b\n"
        let web = try #require(try Project(document: document(yaml)).service(named: "web"))
        #expect(web.dependsOn["db"]?.condition == .started)
        #expect(web.dependsOn["db"]?.required == true)
    }

    @Test func environmentListAndMapWithUnsetValues() throws {
        let unset: String? = nil
        let web = try service("    environment:\n      - A=1\n      - B\n      - HOME\n      - C=\n")
        #expect(web.environment == ["A": "1", "B": unset, "HOME": "/home/user", "C": ""])
        let mapped = try service("    environment:\n      X: 1\n      Y:\n      Z: true\n")
        #expect(mapped.environment == ["X": "1", "Y": unset, "Z": "true"])
    }

    @Test func commandStringIsSplitLikeAShell() throws {
        let web = try service("    command: sh -c 'echo \"a b\"' \"x\\\"y\"\n    entrypoint: [\"/init\"]\n")
        #expect(web.command == ["sh", "-c", "echo \"a b\"", "x\"y"])
        #expect(web.entrypoint == ["/init"])
    }

    @Test func durationsAndSizes() throws {
        #expect(ComposeDuration(parsing: "1m30s")?.description == "1m30s")
        #expect(ComposeDuration(parsing: "90s")?.description == "1m30s")
        #expect(ComposeDuration(parsing: "500ms")?.description == "500ms")
        #expect(ComposeDuration(parsing: "1h")?.description == "1h0m0s")
        #expect(ComposeDuration(parsing: "1.5s")?.description == "1.5s")
        #expect(ComposeDuration(parsing: "2d")?.description == "48h0m0s")
        #expect(ComposeDuration(parsing: "10") == nil)
        #expect(ComposeDuration(parsing: "1x") == nil)
        #expect(ByteSize.parse("512m") == 512 << 20)
        #expect(ByteSize.parse("1g") == 1 << 30)
        #expect(ByteSize.parse("100k") == 102_400)
        #expect(ByteSize.parse("1.5GB") == 3 << 29)
        #expect(ByteSize.parse("2048") == 2048)
        #expect(ByteSize.parse("12q") == nil)
    }

    @Test func ulimitsNetworksHostsAndHealthcheck() throws {
        let web = try service("""
            ulimits:
              nproc: 65535
              nofile: {soft: 1024, hard: 2048}
            networks:
              back:
                aliases: [api]
                ipv4_address: 10.5.0.9
                priority: 10
              front:
            extra_hosts: ["a:10.0.0.1", "b=::1", "c:[fe80::1]"]
            healthcheck:
              test: curl -f http://localhost
              interval: 30s
              retries: 0
        networks:
          back:
          front:
        """ + "\n")
        #expect(web.ulimits["nproc"]?.soft == 65535 && web.ulimits["nproc"]?.hard == 65535)
        #expect(web.ulimits["nofile"]?.soft == 1024 && web.ulimits["nofile"]?.hard == 2048)
        #expect(web.networksByPriority == ["back", "front"])
        #expect(web.networks["back"]?.aliases == ["api"] && web.networks["back"]?.ipv4Address == "10.5.0.9")
        #expect(web.extraHosts.map { "\($0.host)=\($0.address)" } == ["a=10.0.0.1", "b=::1", "c=fe80::1"])
        #expect(web.healthcheck?.test == ["CMD-SHELL", "curl -f http://localhost"])
        #expect(web.healthcheck?.interval?.seconds == 30 && web.healthcheck?.retries == 0)
    }

    @Test func deployAndBuild() throws {
        let web = try service("""
            build: ./app
            deploy:
              replicas: 3
              resources:
                limits: {cpus: "1.5", memory: 1g, pids: 100}
              restart_policy: {condition: on-failure, max_attempts: 3}
        """ + "\n")
        #expect(web.build?.context == "/work/demo/app" && web.build?.dockerfile == "Dockerfile")
        #expect(web.replicas == 3)
        let limits = try #require(web.deploy?.limits)
        #expect(limits.cpus == 1.5 && limits.memory == 1 << 30 && limits.pids == 100)
        #expect(web.deploy?.restartCondition == "on-failure" && web.deploy?.restartMaxAttempts == 3)
    }

    @Test func extensionsAreKept() throws {
        let project = try Project(document: document("x-top: {a: 1}\nservices:\n  web:\n    image: a\n    x-tag: blue\n"))
        #expect(project.extensions["x-top"]?["a"]?.int == 1)
        #expect(project.service(named: "web")?.extensions["x-tag"]?.scalar == "blue")
    }
}
