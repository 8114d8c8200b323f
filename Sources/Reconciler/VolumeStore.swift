import Linux

/// Named volumes: `<lib>/volumes/<name>/_data`, as docker lays them out. They outlive containers and `down`
/// unless removed on purpose (`down -v`, `volume rm`). Each records the project that created it, as docker's
/// project label does, so `down -v -p NAME` finds them without a compose file; external volumes have none.
public struct VolumeStore: Sendable {
    public let root: StateRoot
    public init(root: StateRoot) { self.root = root }

    public func path(_ name: String) -> String { "\(root.volumes)/\(name)" }
    public func dataPath(_ name: String) -> String { path(name) + "/_data" }

    public func create(_ name: String, project: String) throws(Errno) {
        try FileSystem.createDirectory(dataPath(name))
        try FileSystem.writeAtomically(projectPath(name), project)
    }

    /// The project that created the volume; nil for one made by hand (an external one).
    public func project(of name: String) -> String? {
        try? FileSystem.readString(projectPath(name))
    }

    public func remove(_ name: String) throws(Errno) { try FileSystem.removeTree(path(name)) }
    public func list() -> [String] { ((try? FileSystem.contents(of: root.volumes)) ?? []).sorted() }

    private func projectPath(_ name: String) -> String { path(name) + "/project" }
}
