/// How the Compose Specification merges two values found at the same path (13-merge.md, compose-go).
enum MergeRule {
    /// The later value replaces the earlier one whole.
    case replace
    /// List (`K=V`, `K`) or mapping form, merged by key into a mapping.
    case keyValueMapping
    /// A string or list, appended; `EntryIdentity` then drops the earlier of two entries with the same identity.
    case appendSequence
    /// Like `appendSequence`, but mapping entries become `key=value` items and exact repeats are dropped.
    case extraHosts
    /// A list of names becomes a mapping whose values are `defaults` (depends_on, service networks).
    case namesToMapping(defaults: [(String, String)])
    /// `build: ./dir` is `build: {context: ./dir}`.
    case buildContext
    /// Logging options merge only when both sides use the same driver (or one names none).
    case logging
    /// IPAM pools merge by `subnet`.
    case ipamConfig

    static func rule(for path: DocumentPath) -> MergeRule? {
        for (pattern, rule) in table where path.matches(pattern) { return rule }
        return nil
    }

    private static let table: [([String], MergeRule)] = {
        var table: [([String], MergeRule)] = []
        func add(_ pattern: String, _ rule: MergeRule) { table.append((pattern.split(separator: ".").map(String.init), rule)) }
        for path in ["command", "entrypoint", "healthcheck.test", "ulimits.*"] {
            add("services.*.\(path)", .replace)
        }
        for path in ["environment", "labels", "annotations", "sysctls", "build.args", "build.labels",
                     "build.additional_contexts", "deploy.labels"] {
            add("services.*.\(path)", .keyValueMapping)
        }
        add("networks.*.labels", .keyValueMapping)
        add("volumes.*.labels", .keyValueMapping)
        for path in ["dns", "dns_opt", "dns_search", "tmpfs", "env_file", "label_file"] {
            add("services.*.\(path)", .appendSequence)
        }
        add("services.*.extra_hosts", .extraHosts)
        add("services.*.build.extra_hosts", .extraHosts)
        add("services.*.depends_on", .namesToMapping(defaults: [("condition", "service_started"), ("required", "true")]))
        add("services.*.networks", .namesToMapping(defaults: []))
        add("services.*.build", .buildContext)
        add("services.*.logging", .logging)
        add("networks.*.ipam.config", .ipamConfig)
        return table
    }()
}

/// What makes two entries of a merged sequence "the same", so the later replaces the earlier
/// (compose-go `EnforceUnicity`): ports by address/port/protocol, volumes by target, and so on.
enum EntryIdentity {
    case keyBeforeEquals, port, mountTarget, device, secret(defaultDirectory: String), envFile, text

    static func identity(for path: DocumentPath) -> EntryIdentity? {
        for (pattern, identity) in table where path.matches(pattern) { return identity }
        return nil
    }

    private static let table: [([String], EntryIdentity)] = {
        var table: [([String], EntryIdentity)] = []
        func add(_ pattern: String, _ identity: EntryIdentity) {
            table.append((pattern.split(separator: ".").map(String.init), identity))
        }
        for path in ["annotations", "build.args", "build.additional_contexts", "build.platforms", "build.tags",
                     "build.labels", "cap_add", "cap_drop", "deploy.labels", "dns", "dns_opt", "dns_search",
                     "environment", "labels", "links", "networks.*.aliases", "networks.*.link_local_ips",
                     "profiles", "sysctls", "tmpfs"] {
            add("services.*.\(path)", .keyBeforeEquals)
        }
        add("networks.*.labels", .keyBeforeEquals)
        add("networks.*.ipam.options", .keyBeforeEquals)
        add("services.*.ports", .port)
        add("services.*.volumes", .mountTarget)
        add("services.*.devices", .device)
        add("services.*.secrets", .secret(defaultDirectory: "/run/secrets"))
        add("services.*.configs", .secret(defaultDirectory: ""))
        add("services.*.env_file", .envFile)
        add("services.*.expose", .text)
        return table
    }()
}
