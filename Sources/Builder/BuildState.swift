import Images
import Linux

/// One stage while it is being built: the image config so far, its layers, and the declared ARGs.
struct BuildState: Sendable {
    var image: ImageConfig
    var layers: [ImageStore.StoredLayer]
    /// ARG values declared in this stage: visible to expansion and RUN, never stored in the image.
    var args: [String: String] = [:]
    /// Whether CMD came from the base image: ENTRYPOINT then clears it, as docker does.
    var cmdInherited: Bool

    init(image: ImageConfig, layers: [ImageStore.StoredLayer]) {
        var image = image
        image.config = image.config ?? ContainerConfig()
        image.history = image.history ?? []
        self.image = image
        self.layers = layers
        cmdInherited = image.config?.cmd != nil
    }

    static let scratch = BuildState(image: ImageConfig(rootfs: .init(diffIDs: [])), layers: [])

    var config: ContainerConfig {
        get { image.config ?? ContainerConfig() }
        set { image.config = newValue }
    }

    /// ENV as a dictionary (the image's list keeps docker's order).
    var environment: [String: String] {
        var result: [String: String] = [:]
        for entry in config.env ?? [] {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }

    /// What `$VAR` sees: ARGs, overridden by ENV.
    var variables: [String: String] { args.merging(environment) { _, env in env } }

    /// RUN's environment: ENV, plus ARGs that no ENV overrides.
    var runEnvironment: [String] {
        let env = environment
        return (config.env ?? []) + args.filter { env[$0.key] == nil }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    var workingDirectory: String { config.workingDir.flatMap { $0.isEmpty ? nil : $0 } ?? "/" }

    var shell: [String] { config.shell.flatMap { $0.isEmpty ? nil : $0 } ?? ["/bin/sh", "-c"] }

    mutating func setEnvironment(_ key: String, _ value: String) {
        var env = config.env ?? []
        if let index = env.firstIndex(where: { $0.hasPrefix(key + "=") || $0 == key }) {
            env[index] = "\(key)=\(value)"
        } else {
            env.append("\(key)=\(value)")
        }
        config.env = env
    }

    /// History entries carry no timestamp: the same inputs then give the same image ID, so a fully cached
    /// `up --build` recreates nothing.
    mutating func record(_ instruction: Instruction, emptyLayer: Bool) {
        let entry = ImageConfig.History(createdBy: instruction.text,
                                        comment: "swcompose build", emptyLayer: emptyLayer ? true : nil)
        image.history = (image.history ?? []) + [entry]
    }

    func tree(_ store: ImageStore) -> LayeredTree {
        LayeredTree(layers: layers.reversed().map { store.lowerDir($0.diffID) })
    }
}

/// Go durations as Dockerfile HEALTHCHECK flags write them ("30s", "1m30s", "500ms").
enum GoDuration {
    static func nanoseconds(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            rest = rest.dropFirst(number.count)
            guard let value = Double(number) else { return nil }
            // Longest unit first so "ms" is not read as "m".
            guard let unit = units.sorted(by: { $0.0.count > $1.0.count }).first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        return Int64(total)
    }
}
