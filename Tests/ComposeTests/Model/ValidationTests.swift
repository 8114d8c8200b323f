import Compose
import Testing

/// Every message is checked in full: file, line and column of the offending node, key path, text.
@Suite struct ValidationTests {
    @Test func unknownKey() throws {
        #expect(try loadError("services:\n  web:\n    imagee: nginx\n")
            == "compose.yaml:3:5: services.web: additional property 'imagee' is not allowed")
    }

    @Test func wrongType() throws {
        #expect(try loadError("services:\n  web:\n    image: a\n    ports:\n      - 80\n      - [1]\n")
            == "compose.yaml:6:9: services.web.ports[1]: must be a string or number, got sequence")
        #expect(try loadError("services:\n  web:\n    image: {a: 1}\n")
            == "compose.yaml:3:12: services.web.image: must be a string, got mapping")
    }

    @Test func badPortString() throws {
        #expect(try loadError("services:\n  web:\n    image: a\n    ports: [\"80:80:80:80/tcpx\"]\n")
            == "compose.yaml:4:13: services.web.ports[0]: invalid port \"80:80:80:80/tcpx\": must be [host_ip:][published[-end]:]target[-end][/protocol] with ports 1-65535")
        #expect(try loadError("services:\n  web:\n    image: a\n    ports: [\"8000-8002:80-81\"]\n").hasSuffix("invalid port \"8000-8002:80-81\": must be [host_ip:][published[-end]:]target[-end][/protocol] with ports 1-65535"))
    }

    @Test func badVolumeString() throws {
        #expect(try loadError("services:\n  web:\n    image: a\n    volumes: [\"./a:/b:rx\"]\n")
            == "compose.yaml:4:15: services.web.volumes[0]: invalid volume \"./a:/b:rx\": unknown mode 'rx'; must be [source:]target[:mode] where mode is a comma list of ro, rw, z, Z, nocopy, a propagation or a consistency")
    }

    @Test func badDurationAndSize() throws {
        #expect(try loadError("services:\n  web:\n    image: a\n    stop_grace_period: 10 seconds\n")
            == "compose.yaml:4:24: services.web.stop_grace_period: invalid duration \"10 seconds\": must be a duration string such as 10s, 1m30s or 500ms")
        #expect(try loadError("services:\n  web:\n    image: a\n    shm_size: lots\n")
            == "compose.yaml:4:15: services.web.shm_size: invalid size \"lots\": must be a byte size such as 512m, 1g or a number of bytes")
    }

    @Test func unknownDependency() throws {
        #expect(try loadError("services:\n  web:\n    image: a\n    depends_on: [db]\n")
            == "compose.yaml:4:18: services.web.depends_on: service \"web\" depends on undefined service \"db\"")
    }

    @Test func dependencyOnDisabledProfileService() throws {
        #expect(try loadError("services:\n  web:\n    image: a\n    depends_on: [db]\n  db:\n    image: b\n    profiles: [data]\n")
            == "compose.yaml:4:18: services.web.depends_on: service \"web\" depends on undefined service \"db\": it is disabled by profiles data; enable one with --profile")
    }

    @Test func dependencyCycleIsNamed() throws {
        let yaml = "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on:\n      c: {condition: service_healthy}\n  c:\n    image: x\n    depends_on: [a]\n"
        #expect(try loadError(yaml) == "compose.yaml:11:18: services.c.depends_on: dependency cycle detected: a -> b -> c -> a")
    }

    @Test func undefinedResources() throws {
        #expect(try loadError("services:\n  web:\n    image: a\n    networks: [front]\n")
            == "compose.yaml:4:16: services.web.networks: service \"web\" refers to undefined network front")
        #expect(try loadError("services:\n  web:\n    image: a\n    volumes: [\"data:/data\"]\n")
            == "compose.yaml:4:15: services.web.volumes[0]: service \"web\" refers to undefined volume data")
        #expect(try loadError("services:\n  web:\n    image: a\n    secrets: [token]\n")
            == "compose.yaml:4:15: services.web.secrets[0]: service \"web\" refers to undefined secret token")
        #expect(try loadError("services:\n  web:\n    image: a\n    configs: [conf]\n")
            == "compose.yaml:4:15: services.web.configs[0]: service \"web\" refers to undefined config conf")
    }

    @Test func containerNames() throws {
        #expect(try loadError("services:\n  a:\n    image: x\n    container_name: box\n  b:\n    image: x\n    container_name: box\n")
            == "compose.yaml:7:21: services.b.container_name: container name \"box\" is already used by service \"a\"")
        #expect(try loadError("services:\n  a:\n    image: x\n    container_name: box\n    deploy: {replicas: 2}\n")
            == "compose.yaml:4:21: services.a.container_name: container name \"box\" must be unique, so the service cannot run 2 replicas")
    }

    @Test func invalidProjectName() throws {
        let doc = try document("services:\n  web:\n    image: a\n")
        var bad = doc
        bad.projectName = "My App"
        let error = try #require(throws: ComposeError.self) { try Project(document: bad) }
        #expect(error.description == "compose.yaml:1:1: name: invalid project name \"My App\": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number")
    }

    @Test func restartAndConditionValues() throws {
        #expect(try loadError("services:\n  web:\n    image: a\n    restart: sometimes\n")
            == "compose.yaml:4:14: services.web.restart: invalid restart policy \"sometimes\": must be no, always, on-failure[:max-retries] or unless-stopped")
        #expect(try loadError("services:\n  web:\n    image: a\n    depends_on:\n      db: {condition: ready}\n  db:\n    image: b\n")
            == "compose.yaml:5:23: services.web.depends_on.db.condition: invalid condition \"ready\": must be service_started, service_healthy or service_completed_successfully")
    }

    @Test func conflictingLimits() throws {
        #expect(try loadError("services:\n  web:\n    image: a\n    mem_limit: 1g\n    deploy:\n      resources:\n        limits: {memory: 512m}\n")
            == "compose.yaml:4:16: services.web: can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory'")
        #expect(throws: Never.self) { try Project(document: document("services:\n  web:\n    image: a\n    cpus: 0.5\n    deploy: {resources: {limits: {cpus: '0.5'}}}\n")) }
    }
}
