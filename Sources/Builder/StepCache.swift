import Archive
import FoundationEssentials
import Images
import Linux

/// RUN results by what determines them: the parent layers, the command and its environment, user and working
/// directory. Entries live in `<images>/build-cache/<key>` and name a stored layer; one whose layer was pruned
/// is a miss. COPY needs no entry: the same files give the same layer digest, which the store keeps once.
struct StepCache: Sendable {
    let directory: String
    let store: ImageStore

    init(store: ImageStore) {
        self.store = store
        directory = store.directory + "/build-cache"
    }

    static func key(run argv: [String], state: BuildState) -> String {
        let parts = ["RUN"] + state.layers.map(\.diffID) + ["argv"] + argv + ["env"] + state.runEnvironment
            + ["user", state.config.user ?? "", "cwd", state.workingDirectory]
        // NUL cannot occur in any part, so the joined text is unambiguous.
        return SHA256.hex(of: Array(parts.joined(separator: "\u{0}").utf8))
    }

    func lookup(_ key: String) -> ImageStore.StoredLayer? {
        guard let bytes = try? FileSystem.readFile(directory + "/" + key),
            let layer = try? JSONDecoder().decode(ImageStore.StoredLayer.self, from: Data(bytes)),
            store.contains(layer)
        else { return nil }
        return layer
    }

    func record(_ key: String, _ layer: ImageStore.StoredLayer) {
        guard let bytes = try? JSONEncoder().encode(layer) else { return }
        try? FileSystem.createDirectory(directory)
        try? FileSystem.writeAtomically(directory + "/" + key, Array(bytes))
    }
}
