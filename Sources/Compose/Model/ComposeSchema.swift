import YAML

/// Every compose object's accepted keys, in the order docker compose prints them. The validator,
/// the normaliser and the schema test all read these tables.
enum ComposeSchema {
    static let project = ObjectSchema("project", [
        Field("version", .string, hidden: true),
        Field("name", .string),
        Field("include", .any, hidden: true),
        Field("services", .mapOf(.object(service)), keepZero: true),
        Field("networks", .mapOf(.custom(name: "a mapping", convert: nullableObject(network)))),
        Field("volumes", .mapOf(.custom(name: "a mapping", convert: nullableObject(volume)))),
        Field("secrets", .mapOf(.object(fileObject))),
        Field("configs", .mapOf(.object(fileObject))),
        Field("models", .mapOf(.any)),
    ])

    static let service = ObjectSchema("service", [
        Field("profiles", .stringList),
        Field("annotations", .stringMap),
        Field("attach", .bool, keepZero: true),
        Field("build", .object(build)),
        Field("develop", .object(develop)),
        Field("blkio_config", .object(blkio)),
        Field("cap_add", .stringList),
        Field("cap_drop", .stringList),
        Field("cgroup_parent", .string),
        Field("cgroup", .string),
        Field("cpu_count", .int),
        Field("cpu_percent", .float),
        Field("cpu_period", .int),
        Field("cpu_quota", .int),
        Field("cpu_rt_period", .int),
        Field("cpu_rt_runtime", .int),
        Field("cpus", .float),
        Field("cpuset", .string),
        Field("cpu_shares", .int),
        Field("command", .command, keepZero: true),
        Field("configs", .listOf(.object(configReference))),
        Field("container_name", .string),
        Field("credential_spec", .object(credentialSpec)),
        Field("depends_on", .custom(name: "a sequence of service names or a mapping", checksUninterpolated: true, convert: ShortSyntax.dependsOn)),
        Field("deploy", .object(deploy)),
        Field("device_cgroup_rules", .stringList),
        Field("devices", .listOf(.custom(name: "a string or mapping", convert: ShortSyntax.device))),
        Field("dns", .stringOrList),
        Field("dns_opt", .stringList),
        Field("dns_search", .stringOrList),
        Field("dockerfile", .string),
        Field("domainname", .string),
        Field("entrypoint", .command, keepZero: true),
        Field("provider", .object(provider)),
        Field("environment", .environment),
        Field("env_file", .custom(name: "a string, a sequence or mappings", convert: ShortSyntax.envFiles), hidden: true),
        Field("expose", .listOf(.stringOrNumber)),
        Field("extends", .object(extends)),
        Field("external_links", .stringList),
        Field("extra_hosts", .custom(name: "a sequence or mapping", checksUninterpolated: true, convert: ShortSyntax.extraHosts)),
        Field("group_add", .listOf(.stringOrNumber)),
        Field("gpus", .custom(name: "\"all\" or a sequence", checksUninterpolated: true, convert: gpus)),
        Field("hostname", .string),
        Field("healthcheck", .object(healthcheck)),
        Field("image", .string),
        Field("init", .bool, keepZero: true),
        Field("ipc", .string),
        Field("isolation", .string),
        Field("labels", .stringMap),
        Field("label_file", .stringOrList, hidden: true),
        Field("links", .stringList),
        Field("logging", .object(logging)),
        Field("log_driver", .string),
        Field("log_opt", .stringMap),
        Field("mem_limit", .bytes),
        Field("mem_reservation", .bytes),
        Field("memswap_limit", .custom(name: "a byte size or -1", convert: swapLimit)),
        Field("mem_swappiness", .int),
        Field("mac_address", .string),
        Field("models", .any),
        Field("net", .string),
        Field("network_mode", .string),
        Field("networks", .custom(name: "a sequence or mapping", checksUninterpolated: true, convert: ShortSyntax.serviceNetworks)),
        Field("oom_kill_disable", .bool),
        Field("oom_score_adj", .int),
        Field("pid", .string),
        Field("pids_limit", .int),
        Field("platform", .string),
        Field("ports", .expandingList(name: "ports", convert: PortSyntax.normalize)),
        Field("privileged", .bool),
        Field("pull_policy", .custom(name: "a pull policy", convert: pullPolicy)),
        Field("read_only", .bool),
        Field("restart", .custom(name: "a restart policy", convert: restartPolicy)),
        Field("runtime", .string),
        Field("scale", .int, keepZero: true),
        Field("secrets", .listOf(.object(secretReference))),
        Field("security_opt", .stringList),
        Field("shm_size", .bytes),
        Field("stdin_open", .bool),
        Field("stop_grace_period", .duration),
        Field("stop_signal", .string),
        Field("storage_opt", .stringMap),
        Field("sysctls", .stringMap),
        Field("tmpfs", .stringOrList),
        Field("tty", .bool),
        Field("ulimits", .mapOf(.custom(name: "an integer or {soft, hard}", checksUninterpolated: true, convert: ShortSyntax.ulimit))),
        Field("use_api_socket", .bool),
        Field("user", .string),
        Field("userns_mode", .string),
        Field("uts", .string),
        Field("volume_driver", .string),
        Field("volumes", .listOf(.custom(name: "a string or mapping", convert: VolumeSyntax.normalize))),
        Field("volumes_from", .stringList),
        Field("working_dir", .string),
        Field("pre_start", .listOf(.object(hook))),
        Field("post_start", .listOf(.object(hook))),
        Field("pre_stop", .listOf(.object(hook))),
    ], finish: ImplicitDependencies.add)

    static let build = ObjectSchema("build", [
        Field("context", .string),
        Field("dockerfile", .string),
        Field("dockerfile_inline", .string),
        Field("entitlements", .stringList),
        Field("args", .environment),
        Field("provenance", .string),
        Field("sbom", .string),
        Field("ssh", .stringMap),
        Field("labels", .stringMap),
        Field("cache_from", .stringOrList),
        Field("cache_to", .stringOrList),
        Field("no_cache", .bool),
        Field("no_cache_filter", .stringOrList),
        Field("additional_contexts", .stringMap),
        Field("pull", .bool),
        Field("extra_hosts", .custom(name: "a sequence or mapping", checksUninterpolated: true, convert: ShortSyntax.extraHosts)),
        Field("isolation", .string),
        Field("network", .string),
        Field("target", .string),
        Field("secrets", .listOf(.object(buildSecretReference))),
        Field("shm_size", .bytes),
        Field("tags", .stringOrList),
        Field("ulimits", .mapOf(.custom(name: "an integer or {soft, hard}", checksUninterpolated: true, convert: ShortSyntax.ulimit))),
        Field("platforms", .stringOrList),
        Field("privileged", .bool),
    ], shortForm: ShortSyntax.build, finish: ShortSyntax.buildFinish)

    static let develop = ObjectSchema("develop", [Field("watch", .listOf(.object(watch)))])

    static let watch = ObjectSchema("watch", [
        Field("path", .path),
        Field("action", .custom(name: "a watch action", checksUninterpolated: true, convert: oneOf("action", ["rebuild", "sync", "restart", "sync+restart", "sync+exec"]))),
        Field("target", .string),
        Field("exec", .object(hook)),
        Field("include", .stringOrList),
        Field("ignore", .stringOrList),
        Field("initial_sync", .bool),
    ])

    static let hook = ObjectSchema("hook", [
        Field("command", .command),
        Field("user", .string),
        Field("privileged", .bool),
        Field("working_dir", .string),
        Field("environment", .environment),
    ])

    static let blkio = ObjectSchema("blkio_config", [
        Field("weight", .int),
        Field("weight_device", .listOf(.object(weightDevice))),
        Field("device_read_bps", .listOf(.object(throttleDevice))),
        Field("device_read_iops", .listOf(.object(throttleDevice))),
        Field("device_write_bps", .listOf(.object(throttleDevice))),
        Field("device_write_iops", .listOf(.object(throttleDevice))),
    ])
    static let weightDevice = ObjectSchema("weight_device", [Field("path", .string), Field("weight", .int)])
    static let throttleDevice = ObjectSchema("throttle_device", [Field("path", .string), Field("rate", .bytes)])

    static let credentialSpec = ObjectSchema("credential_spec", [Field("config", .string), Field("file", .string), Field("registry", .string)])
    static let provider = ObjectSchema("provider", [Field("type", .string), Field("options", .mapOf(.any))])
    static let extends = ObjectSchema("extends", [Field("file", .string), Field("service", .string)], allowsExtensions: false,
                                      shortForm: { node, path, _ throws(ComposeError) in
                                          .map([("service", .text(try Normalizer.scalarText(node, .string, path), at: node.mark))], at: node.mark)
                                      })
    static let envFile = ObjectSchema("env_file", [
        Field("path", .path), Field("required", .bool, keepZero: true), Field("format", .string),
    ], allowsExtensions: false)

    static let dependency = ObjectSchema("dependency", [
        Field("condition", .string), Field("restart", .bool), Field("required", .bool, keepZero: true),
    ], finish: ShortSyntax.dependencyDefaults)

    static let deploy = ObjectSchema("deploy", [
        Field("mode", .string),
        Field("replicas", .int, keepZero: true),
        Field("labels", .stringMap),
        Field("update_config", .object(updateConfig)),
        Field("rollback_config", .object(updateConfig)),
        Field("resources", .object(resources)),
        Field("restart_policy", .object(restartPolicyObject)),
        Field("placement", .object(placement)),
        Field("endpoint_mode", .string),
    ])
    static let updateConfig = ObjectSchema("update_config", [
        Field("parallelism", .int, keepZero: true), Field("delay", .duration), Field("failure_action", .string),
        Field("monitor", .duration), Field("max_failure_ratio", .float), Field("order", .string),
    ])
    static let resources = ObjectSchema("resources", [Field("limits", .object(resource)), Field("reservations", .object(resource))])
    static let resource = ObjectSchema("resource", [
        Field("cpus", .float), Field("memory", .bytes), Field("pids", .int),
        Field("devices", .listOf(.object(deviceRequest))), Field("generic_resources", .listOf(.object(genericResource))),
    ])
    static let deviceRequest = ObjectSchema("device_request", [
        Field("capabilities", .stringList), Field("driver", .string), Field("count", .custom(name: "an integer or \"all\"", convert: deviceCount)),
        Field("device_ids", .stringList), Field("options", .stringMap),
    ])
    static let genericResource = ObjectSchema("generic_resource", [Field("discrete_resource_spec", .object(discreteResource))])
    static let discreteResource = ObjectSchema("discrete_resource_spec", [Field("kind", .string), Field("value", .int)])
    static let restartPolicyObject = ObjectSchema("restart_policy", [
        Field("condition", .custom(name: "none, on-failure or any", convert: oneOf("condition", ["none", "on-failure", "any"]))),
        Field("delay", .duration), Field("max_attempts", .int, keepZero: true), Field("window", .duration),
    ])
    static let placement = ObjectSchema("placement", [
        Field("constraints", .stringList), Field("preferences", .listOf(.object(placementPreference))),
        Field("max_replicas_per_node", .int),
    ])
    static let placementPreference = ObjectSchema("placement_preference", [Field("spread", .string)])

    static let healthcheck = ObjectSchema("healthcheck", [
        Field("test", .custom(name: "a string or a sequence of strings", convert: ShortSyntax.healthTest)),
        Field("timeout", .duration),
        Field("interval", .duration),
        Field("retries", .int, keepZero: true),
        Field("start_period", .duration),
        Field("start_interval", .duration),
        Field("disable", .bool),
    ])

    static let logging = ObjectSchema("logging", [Field("driver", .string), Field("options", .stringMap)])

    static let serviceNetwork = ObjectSchema("service network", [
        Field("aliases", .stringList),
        Field("driver_opts", .stringMap),
        Field("gw_priority", .int),
        Field("interface_name", .string),
        Field("ipv4_address", .string),
        Field("ipv6_address", .string),
        Field("link_local_ips", .stringList),
        Field("mac_address", .string),
        Field("priority", .int),
    ])

    static let port = ObjectSchema("port", [
        Field("name", .string),
        Field("mode", .custom(name: "host or ingress", convert: oneOf("mode", ["host", "ingress"]))),
        Field("host_ip", .string),
        Field("target", .custom(name: "a port number", convert: portNumber)),
        Field("published", .stringOrNumber),
        Field("protocol", .string),
        Field("app_protocol", .string),
    ])

    static let volumeMount = ObjectSchema("volume mount", [
        Field("type", .string),
        Field("source", .string),
        Field("target", .string),
        Field("read_only", .bool),
        Field("consistency", .string),
        Field("bind", .object(bindOptions)),
        Field("volume", .object(volumeOptions), keepZero: true),
        Field("tmpfs", .object(tmpfsOptions)),
        Field("image", .object(imageOptions)),
    ])
    static let bindOptions = ObjectSchema("bind options", [
        Field("selinux", .custom(name: "z or Z", checksUninterpolated: true, convert: oneOf("selinux", ["z", "Z"]))),
        Field("propagation", .string),
        Field("create_host_path", .bool),
        Field("recursive", .string),
    ])
    static let volumeOptions = ObjectSchema("volume options", [Field("labels", .stringMap), Field("nocopy", .bool), Field("subpath", .string)])
    static let tmpfsOptions = ObjectSchema("tmpfs options", [Field("size", .bytes), Field("mode", .int)])
    static let imageOptions = ObjectSchema("image options", [Field("subpath", .string)])

    static let device = ObjectSchema("device", [Field("source", .string), Field("target", .string), Field("permissions", .string)])

    static let ulimit = ObjectSchema("ulimit", [Field("soft", .int, keepZero: true), Field("hard", .int, keepZero: true)])

    static let secretReference = ObjectSchema("service secret", [
        Field("source", .string), Field("target", .string), Field("uid", .string), Field("gid", .string), Field("mode", .fileMode),
    ], shortForm: ShortSyntax.secretReference, finish: ShortSyntax.secretTarget)
    static let configReference = ObjectSchema("service config", [
        Field("source", .string), Field("target", .string), Field("uid", .string), Field("gid", .string), Field("mode", .fileMode),
    ], shortForm: ShortSyntax.secretReference, finish: ShortSyntax.requiringSource("config"))
    /// The same object in the file format, but build secrets get no default target (the builder picks
    /// the path), so it is not a separate entry of `all`.
    static let buildSecretReference = ObjectSchema("service secret", [
        Field("source", .string), Field("target", .string), Field("uid", .string), Field("gid", .string), Field("mode", .fileMode),
    ], shortForm: ShortSyntax.secretReference, finish: ShortSyntax.requiringSource("secret"))

    static let network = ObjectSchema("network", [
        Field("name", .string),
        Field("driver", .string),
        Field("driver_opts", .stringMap),
        Field("ipam", .object(ipam)),
        Field("external", .custom(name: "a boolean", convert: ShortSyntax.external)),
        Field("internal", .bool),
        Field("attachable", .bool),
        Field("labels", .stringMap),
        Field("enable_ipv4", .bool, keepZero: true),
        Field("enable_ipv6", .bool, keepZero: true),
    ])
    static let ipam = ObjectSchema("ipam", [Field("driver", .string), Field("config", .listOf(.object(ipamPool))), Field("options", .stringMap)])
    static let ipamPool = ObjectSchema("ipam pool", [
        Field("subnet", .string), Field("gateway", .string), Field("ip_range", .string), Field("aux_addresses", .stringMap),
    ])

    static let volume = ObjectSchema("volume", [
        Field("name", .string),
        Field("driver", .string),
        Field("driver_opts", .stringMap),
        Field("external", .custom(name: "a boolean", convert: ShortSyntax.external)),
        Field("labels", .stringMap),
    ])

    static let fileObject = ObjectSchema("secret or config", [
        Field("name", .string),
        Field("file", .path),
        Field("environment", .string),
        Field("content", .string),
        Field("external", .custom(name: "a boolean", convert: ShortSyntax.external)),
        Field("labels", .stringMap),
        Field("driver", .string),
        Field("driver_opts", .stringMap),
        Field("template_driver", .string),
    ])

    static let legacyExternal = ObjectSchema("external", [Field("name", .string)], allowsExtensions: false)

    /// Every object schema, for the JSON Schema cross-check.
    static let all: [ObjectSchema] = [project, service, build, develop, watch, hook, blkio, weightDevice, throttleDevice, credentialSpec, provider, extends, envFile, dependency, deploy, updateConfig, resources, resource, deviceRequest, genericResource, discreteResource, restartPolicyObject, placement, placementPreference, healthcheck, logging, serviceNetwork, port, volumeMount, bindOptions, volumeOptions, tmpfsOptions, imageOptions, device, ulimit, secretReference, configReference, network, ipam, ipamPool, volume, fileObject, legacyExternal]

    // MARK: - Small converters

    static func nullableObject(_ schema: ObjectSchema) -> @Sendable (Node, String, NormalizeContext) throws(ComposeError) -> Node {
        { node, path, context throws(ComposeError) in
            node.isNull ? .map([], at: node.mark) : try Normalizer.object(node, schema, path, context)
        }
    }

    static func oneOf(_ what: String, _ allowed: [String]) -> @Sendable (Node, String, NormalizeContext) throws(ComposeError) -> Node {
        { node, path, _ throws(ComposeError) in
            let text = try Normalizer.scalarText(node, .string, path)
            guard allowed.contains(text) else {
                throw ComposeError(node, path, "invalid \(what) \"\(text)\": must be one of \(allowed.joined(separator: ", "))")
            }
            return .text(text, at: node.mark)
        }
    }

    static func restartPolicy(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        // `restart: no` is the YAML 1.1 boolean false to some writers; compose reads it as "no".
        let text = node.bool == false ? "no" : try Normalizer.scalarText(node, .string, path)
        let base = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? text
        guard ["no", "always", "on-failure", "unless-stopped"].contains(base) else {
            throw ComposeError(node, path, "invalid restart policy \"\(text)\": must be no, always, on-failure[:max-retries] or unless-stopped")
        }
        return .text(text, at: node.mark)
    }

    static func pullPolicy(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        let text = try Normalizer.scalarText(node, .string, path)
        let fixed = ["always", "never", "missing", "if_not_present", "build", "daily", "weekly", "refresh"]
        let every = text.hasPrefix("every_") && ComposeDuration(parsing: String(text.dropFirst(6))) != nil
        guard fixed.contains(text) || every else {
            throw ComposeError(node, path, "invalid pull_policy \"\(text)\": must be always, never, missing, build, daily, weekly or every_<duration>")
        }
        return .text(text, at: node.mark)
    }

    static func portNumber(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        guard let text = node.scalar, let port = Int(text), (0...65535).contains(port) else {
            throw ComposeError(node, path, "invalid port \(Normalizer.show(node)): must be a number between 0 and 65535")
        }
        return .integer(port, at: node.mark)
    }

    static func swapLimit(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        if node.scalar == "-1" { return .text("-1", at: node.mark) }
        return try Normalizer.value(node, .bytes, path, context)
    }

    static func deviceCount(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        if node.scalar == "all" { return .text("all", at: node.mark) }
        return try Normalizer.value(node, .int, path, context)
    }

    static func gpus(_ node: Node, _ path: String, _ context: NormalizeContext) throws(ComposeError) -> Node {
        if node.scalar == "all" {
            return .list([.map([("count", .literal("-1", at: node.mark))], at: node.mark)], at: node.mark)
        }
        return try Normalizer.value(node, .listOf(.object(deviceRequest)), path, context)
    }
}
