import Cgroups
import Compose
import DNS
import Glibc
import Images
import Linux
import Runtime
import Supervisor
import YAML

/// docker compose's label names, so tools that read them work on our containers too.
public enum Labels {
    public static let project = "com.docker.compose.project"
    public static let service = "com.docker.compose.service"
    public static let number = "com.docker.compose.container-number"
    public static let configHash = "com.docker.compose.config-hash"
    public static let oneOff = "com.docker.compose.oneoff"
    public static let workingDir = "com.docker.compose.project.working_dir"
    public static let configFiles = "com.docker.compose.project.config_files"
    public static let version = "com.docker.compose.version"
    public static let swcomposeVersion = "dev.swcompose.version"
}

public struct ContainerSpecError: Error, Sendable, CustomStringConvertible {
    public let service: String
    public let message: String
    public var description: String { "service \(service): \(message)" }
}

/// Turns a compose service and its image into what the supervisor runs. Writes the container's small
/// per-container files (hostname, resolv.conf, an empty hosts the supervisor fills) but starts nothing.
public struct ContainerSpecBuilder: Sendable {
    public let project: Project
    public let root: StateRoot
    public let images: ImageStore
    public let version: String
    /// Computed once: every container of the project reads its attachments from it.
    private let graph: ServiceGraph

    public init(project: Project, root: StateRoot, images: ImageStore, version: String) {
        self.project = project
        self.root = root
        self.images = images
        self.version = version
        graph = ServiceGraph(project: project)
    }

    public static func newID() -> String {
        (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 16).leftPadded(to: 16) }.joined()
    }

    public func build(service: Service, image: ImageRecord, name: String, number: Int, oneOff: Bool = false,
                      id: String = ContainerSpecBuilder.newID()) throws -> SupervisorSpec {
        let directory = "\(root.containers)/\(id)"
        let config = image.config.config ?? ContainerConfig()
        let hostname = service.hostname ?? String(id.prefix(12))

        var process = ProcessSpec(
            args: CommandResolver.resolve(imageEntrypoint: config.entrypoint, imageCmd: config.cmd,
                                          entrypoint: service.entrypoint.map(CommandForm.exec),
                                          command: service.command.map(CommandForm.exec)),
            env: CommandResolver.environment(
                image: config.env ?? [],
                service: service.environment.keys.sorted().compactMap { key in service.environment[key]!.map { "\(key)=\($0)" } },
                hostname: hostname, tty: service.tty),
            cwd: service.workingDir ?? (config.workingDir?.isEmpty == false ? config.workingDir! : "/"))
        guard !process.args.isEmpty else {
            throw ContainerSpecError(service: service.name, message: "no command: the image has no Entrypoint or Cmd and the service sets neither `command` nor `entrypoint`")
        }
        process.user = service.user ?? (config.user?.isEmpty == false ? config.user : nil)
        process.tty = service.tty
        process.additionalGroups = list(service.node["group_add"])
        do {
            process.capabilities = try DefaultSecurity.capabilities(adding: service.capAdd, dropping: service.capDrop)
        } catch {
            throw ContainerSpecError(service: service.name, message: "\(error)")
        }
        process.rlimits = service.ulimits.keys.sorted().map {
            RlimitSpec(name: $0, soft: UInt64(service.ulimits[$0]!.soft), hard: UInt64(service.ulimits[$0]!.hard))
        }

        var container = ContainerSpec(
            id: id, name: name, project: project.name,
            rootfs: .overlay(lowerDirs: images.lowerDirs(for: image), upperDir: directory + "/upper",
                             workDir: directory + "/work", mergedDir: directory + "/rootfs"),
            process: process)
        container.hostname = hostname
        container.domainname = service.domainName
        container.privileged = service.privileged
        container.readOnlyRootfs = service.readOnly
        for key in service.sysctls.keys.sorted() {
            if let refusal = NamespacedSysctl.refusal(key, hostNetwork: service.networkMode == "host", hostIPC: service.ipc == "host") {
                throw ContainerSpecError(service: service.name, message: refusal)
            }
        }
        container.sysctls = service.sysctls
        if let size = service.shmSize { container.shmSize = size }
        container.mounts = try mounts(service, containerID: id, imageVolumes: (config.volumes ?? [:]).keys.sorted())
        container.initProcess = service.initProcess ?? false
        container.limits = limits(service)
        container.devices = service.devices.flatMap { DeviceSpec.expanding(hostPath: $0.source, containerPath: $0.target) }
        do { try container.resolveDeviceRules() } catch {
            throw ContainerSpecError(service: service.name, message: "\(error)")
        }

        let networkMode = service.networkMode ?? ""
        var networkPlan: NetworkPlan?
        switch networkMode {
        case "host":
            container.network = NamespaceMode.host
        case "none":
            container.network = NamespaceMode.new
        case _ where networkMode.hasPrefix("service:") || networkMode.hasPrefix("container:"):
            container.network = NamespaceMode.join(try sharedNetworkNamespace(networkMode, for: service))
        default:
            networkPlan = plan(service, id: id, name: name, hostname: hostname, directory: directory,
                               imageExposed: config.exposedPorts.map { Array($0.keys) } ?? [])
        }
        container.etcFiles = EtcFiles(hosts: directory + "/hosts", hostname: directory + "/hostname",
                                      resolvConf: networkMode == "host" ? "/etc/resolv.conf" : directory + "/resolv.conf")

        var spec = SupervisorSpec(container: container)
        spec.network = networkPlan
        spec.restart = restartPolicy(service)
        spec.healthcheck = healthcheck(service, image: config)
        spec.stdinOpen = service.stdinOpen
        spec.stopSignal = service.stopSignal ?? config.stopSignal ?? "SIGTERM"
        spec.stopGracePeriod = service.stopGracePeriod.map { Double($0.nanoseconds) / 1e9 } ?? 10
        spec.image = service.image ?? "\(project.name)-\(service.name)"
        spec.imageID = image.id
        spec.labels = service.labels.merging([
            Labels.project: project.name, Labels.service: service.name, Labels.number: "\(number)",
            Labels.configHash: project.configHash(of: service), Labels.oneOff: oneOff ? "True" : "False",
            Labels.workingDir: project.workingDirectory, Labels.configFiles: project.configFiles.joined(separator: ","),
            Labels.version: "2.40.3", Labels.swcomposeVersion: version,
        ]) { _, ours in ours }
        return spec
    }

    /// `service:NAME` or `container:NAME`: the netns of that container's PID 1, which must be running (compose
    /// starts it first: it is an implicit dependency). The shared netns already has its resolver on 127.0.0.11.
    private func sharedNetworkNamespace(_ mode: String, for service: Service) throws -> String {
        let target = String(mode.split(separator: ":", maxSplits: 1).last ?? "")
        let store = ContainerStore(root: root)
        let candidates = store.list().filter { state in
            guard state.status == .running, let spec = try? store.config(state.id) else { return false }
            if mode.hasPrefix("container:") { return state.name == target || state.id.hasPrefix(target) }
            return state.project == project.name && spec.labels[Labels.service] == target && spec.labels[Labels.oneOff] != "True"
        }
        guard let pid = candidates.sorted(by: { $0.name < $1.name }).first?.pid else {
            throw ContainerSpecError(service: service.name, message: "network_mode \(mode): no running container of \(target) to join")
        }
        return "/proc/\(pid)/ns/net"
    }

    /// The overlay's directories and the files the runtime binds into /etc, made in `directory` while the store
    /// builds the container there (`ContainerStore.create`'s `prepare`), so a container never exists without them.
    public func prepareFiles(_ spec: SupervisorSpec, service: Service, in directory: String) throws {
        let container = spec.container
        // Paths in the spec name the final directory.
        let building = { (path: String) in path.hasPrefix(spec.stateDir + "/") ? directory + path.dropFirst(spec.stateDir.count) : path }
        if case .overlay(_, let upper, let work, let merged) = container.rootfs {
            // The upper dir gives the container's / its mode: 0755 as in an image, or non-root users cannot reach anything.
            for path in [upper, work, merged] { try FileSystem.createDirectory(building(path), mode: 0o755) }
        }
        // Derived from the config and rewritten by every recreate: not worth an fsync each.
        try FileSystem.writeAtomically(building(container.etcFiles.hostname!), (container.hostname ?? "") + "\n", durable: false)
        if let hosts = container.etcFiles.hosts.map(building) {
            // Under network_mode host the container sees the host's names; the supervisor rewrites a bridged
            // container's file once its addresses are known.
            let base = container.network == NamespaceMode.host
                ? String(decoding: (try? FileSystem.readFile("/etc/hosts")) ?? [], as: UTF8.self) : HostsFile.localhost
            try FileSystem.writeAtomically(hosts, HostsFile.render(base: base, extraHosts: extraHosts(service)), durable: false)
        }
        if let resolv = container.etcFiles.resolvConf, resolv.hasPrefix(root.containers), case let resolv = building(resolv) {
            let joined: Bool = if case .join = container.network { true } else { false }
            let nameservers = spec.network == nil && !joined ? [] : [ResolvConf.embeddedServer]
            try FileSystem.writeAtomically(resolv, ResolvConf.render(nameservers: nameservers, search: list(service.node["dns_search"]),
                                                                      options: list(service.node["dns_opt"])), durable: false)
        }
    }

    private func list(_ node: Node?) -> [String] {
        node?.sequence?.compactMap(\.scalar) ?? node?.scalar.map { [$0] } ?? []
    }

    private func mounts(_ service: Service, containerID: String, imageVolumes: [String]) throws -> [MountSpec] {
        var result: [MountSpec] = []
        for (index, volume) in service.volumes.enumerated() {
            switch volume.type {
            case "bind":
                guard let source = volume.source else { continue }
                if !FileSystem.exists(source) {
                    guard volume.createHostPath else {
                        throw ContainerSpecError(service: service.name, message: "bind source path does not exist: \(source)")
                    }
                    try FileSystem.createDirectory(source)
                }
                var mount = MountSpec(kind: .bind, source: source, target: volume.target, readOnly: volume.readOnly)
                mount.propagation = volume.propagation
                result.append(mount)
            case "volume":
                let path: String
                if let key = volume.source {
                    let name = project.volumes[key]?.name ?? "\(project.name)_\(key)"
                    path = VolumeStore(root: root).dataPath(name)
                    try FileSystem.createDirectory(path)
                } else {
                    // Made at start, inside the container's directory, which must not exist before `create`.
                    path = "\(root.containers)/\(containerID)/anon/\(index)"
                }
                var mount = MountSpec(kind: .volume, source: path, target: volume.target, readOnly: volume.readOnly)
                mount.copyUp = !volume.noCopy
                result.append(mount)
            case "tmpfs":
                var mount = MountSpec(kind: .tmpfs, source: "tmpfs", target: volume.target)
                mount.tmpfsSize = volume.tmpfsSize
                mount.tmpfsMode = volume.tmpfsMode.map(UInt32.init)
                result.append(mount)
            default:
                throw ContainerSpecError(service: service.name, message: "volume type \(volume.type) is not supported")
            }
        }
        for entry in service.tmpfs {
            result.append(try tmpfsMount(entry, service: service))
        }
        // The image's VOLUMEs that compose does not cover get anonymous volumes kept with the container.
        let covered = Set(result.map(\.target))
        for (index, target) in imageVolumes.filter({ !covered.contains($0) }).enumerated() {
            let path = "\(root.containers)/\(containerID)/anon/image-\(index)"
            var mount = MountSpec(kind: .volume, source: path, target: target)
            mount.copyUp = true
            result.append(mount)
        }
        return result
    }

    /// compose's short tmpfs syntax: "/path" or "/path:size=64m,mode=1770" (docker's --tmpfs options).
    private func tmpfsMount(_ entry: String, service: Service) throws -> MountSpec {
        let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
        var mount = MountSpec(kind: .tmpfs, source: "tmpfs", target: parts.first ?? entry)
        for option in parts.count > 1 ? parts[1].split(separator: ",").map(String.init) : [] {
            let pair = option.split(separator: "=", maxSplits: 1).map(String.init)
            switch (pair.first, pair.count == 2 ? pair[1] : nil) {
            case ("size", let value?):
                guard let size = ByteSize.parse(value) else {
                    throw ContainerSpecError(service: service.name, message: "tmpfs \(entry): invalid size \"\(value)\"")
                }
                mount.tmpfsSize = size
            case ("mode", let value?):
                guard let mode = UInt32(value, radix: 8) else {
                    throw ContainerSpecError(service: service.name, message: "tmpfs \(entry): invalid mode \"\(value)\" (octal, e.g. 1777)")
                }
                mount.tmpfsMode = mode
            case ("ro", nil): mount.readOnly = true
            case ("rw", nil), ("noexec", nil), ("exec", nil), ("nosuid", nil), ("nodev", nil): break
            default:
                throw ContainerSpecError(service: service.name, message: "tmpfs \(entry): unsupported option \"\(option)\"")
            }
        }
        return mount
    }

    private func limits(_ service: Service) -> CgroupLimits {
        var limits = CgroupLimits()
        let deploy = service.deploy
        limits.memory = service.memLimit ?? deploy?.limits.memory
        limits.memoryReservation = service.memReservation ?? deploy?.reservations.memory
        limits.memorySwap = service.node["memswap_limit"]?.scalar.flatMap { Int64($0) }
        limits.cpus = service.cpus ?? deploy?.limits.cpus
        limits.cpuShares = service.node["cpu_shares"]?.int.map(Int64.init)
        limits.cpuQuota = service.node["cpu_quota"]?.int.map(Int64.init)
        limits.cpuPeriod = service.node["cpu_period"]?.int.map(Int64.init)
        limits.cpusetCpus = service.node["cpuset"]?.scalar
        limits.pids = (service.pidsLimit ?? deploy?.limits.pids).map(Int64.init)
        limits.blkioWeight = service.node["blkio_config"]?["weight"]?.int
        return limits
    }

    private func restartPolicy(_ service: Service) -> RestartPolicy {
        if let text = service.restart, let policy = RestartPolicy(parsing: text) { return policy }
        switch service.deploy?.restartCondition {
        case "any": return .always
        case "on-failure": return .onFailure(maxRetries: service.deploy?.restartMaxAttempts)
        default: return .no
        }
    }

    private func healthcheck(_ service: Service, image: ContainerConfig) -> Supervisor.Healthcheck? {
        let declared = service.healthcheck
        if declared?.disable == true { return nil }
        let test = declared.map(\.test).flatMap { $0.isEmpty ? nil : $0 } ?? image.healthcheck?.test
        guard let test, test.first != "NONE" else { return nil }
        func seconds(_ duration: ComposeDuration?, _ fallback: Double) -> Double {
            duration.map { Double($0.nanoseconds) / 1e9 } ?? fallback
        }
        return Supervisor.Healthcheck(test: test, interval: seconds(declared?.interval, 30), timeout: seconds(declared?.timeout, 30),
                                      retries: declared?.retries ?? 3, startPeriod: seconds(declared?.startPeriod, 0))
    }

    private func plan(_ service: Service, id: String, name: String, hostname: String, directory: String,
                      imageExposed: [String]) -> NetworkPlan {
        let endpoints = (graph.attachments[service.name] ?? []).map { attachment -> NetworkPlan.Endpoint in
            let network = project.networks[attachment.network]?.name ?? "\(project.name)_\(attachment.network)"
            var names = [service.name, name] + attachment.aliases + [String(id.prefix(12))]
            if service.hostname != nil { names.append(hostname) }
            var unique: [String] = []
            for entry in names where !unique.contains(entry) { unique.append(entry) }
            return NetworkPlan.Endpoint(network: network, names: unique, ipv4Address: attachment.ipv4Address,
                                        ipv6Address: attachment.ipv6Address,
                                        macAddress: service.networks[attachment.network]?.macAddress ?? service.node["mac_address"]?.scalar)
        }
        let ports = service.ports.map { port -> NetworkPlan.Port in
            let published = port.published.map(Self.range) ?? (0, 0)
            return NetworkPlan.Port(hostIP: port.hostIP, hostPortStart: published.0, hostPortEnd: published.1,
                                    containerPortStart: UInt16(clamping: port.target), containerPortEnd: UInt16(clamping: port.target),
                                    transport: port.proto)
        }
        var plan = NetworkPlan(stateLib: root.lib, stateRun: root.run, containerId: id, endpoint: name, hostname: hostname,
                               networks: endpoints, ports: ports, dnsServers: service.dns,
                               extraHosts: extraHosts(service), hostsFile: directory + "/hosts")
        plan.exposedPorts = Self.exposedPorts(service: list(service.node["expose"]), image: imageExposed)
        plan.links = list(service.node["links"]).compactMap(Self.link)
        return plan
    }

    /// `expose` and the image's ExposedPorts as docker records them, "8080/tcp": informational only.
    static func exposedPorts(service: [String], image: [String]) -> [String] {
        var result: [String] = []
        for entry in service + image.sorted() {
            let port = entry.contains("/") ? entry : entry + "/tcp"
            if !result.contains(port) { result.append(port) }
        }
        return result
    }

    /// "db:database" → [database, db]; a bare "db" needs no alias (the service name resolves already).
    static func link(_ entry: String) -> [String]? {
        let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
        return parts.count == 2 && parts[0] != parts[1] ? [parts[1], parts[0]] : nil
    }

    private func extraHosts(_ service: Service) -> [[String]] {
        service.extraHosts.map { [$0.host, $0.address] }
    }

    /// "8080" or "8080-8081".
    static func range(_ text: String) -> (UInt16, UInt16) {
        let parts = text.split(separator: "-").compactMap { UInt16($0) }
        return (parts.first ?? 0, parts.last ?? parts.first ?? 0)
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
