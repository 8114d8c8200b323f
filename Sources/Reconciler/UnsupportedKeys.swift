import Compose

/// Keys a compose file may use that `up` loads and prints but does not act on yet: named once each, so a user
/// knows what is ignored instead of guessing.
public enum UnsupportedKeys {
    static let serviceKeys: Set<String> = [
        "secrets", "configs", "logging", "security_opt", "cgroup_parent", "volumes_from",
        "external_links", "develop", "gpus", "isolation", "runtime", "storage_opt", "userns_mode", "uts",
        "oom_score_adj", "oom_kill_disable", "cpu_rt_runtime", "cpu_rt_period", "device_cgroup_rules",
        "credential_spec", "annotations", "attach", "post_start", "pre_stop", "label_file", "models", "provider",
        "blkio_config.device_read_bps", "blkio_config.device_write_bps",
    ]

    /// `service.key` lines, sorted, for the services given.
    public static func used(in project: Project, services: [String]) -> [String] {
        var found: Set<String> = []
        for service in project.services where services.contains(service.name) {
            for pair in service.node.pairs ?? [] {
                guard let key = pair.key.scalar else { continue }
                if serviceKeys.contains(key) { found.insert(key) }
                if key == "blkio_config" {
                    for inner in pair.value.pairs ?? [] where serviceKeys.contains("blkio_config.\(inner.key.scalar ?? "")") {
                        found.insert("blkio_config.\(inner.key.scalar ?? "")")
                    }
                }
            }
        }
        return found.sorted()
    }
}
