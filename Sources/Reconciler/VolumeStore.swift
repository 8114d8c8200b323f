import Linux

/// Named volumes: `<lib>/volumes/<name>/_data`, as docker lays them out. They outlive containers and `down`
/// unless removed on purpose (`down -v`, `volume rm`).
public struct VolumeStore: Sendable {
    public let root: StateRoot
    public init(root: StateRoot) { self.root = root }

    public func path(_ name: String) -> String { "\(root.volumes)/\(name)" }
    public func dataPath(_ name: String) -> String { path(name) + "/_data" }

    public func create(_ name: String) throws(Errno) { try FileSystem.createDirectory(dataPath(name)) }
    public func remove(_ name: String) throws(Errno) { try FileSystem.removeTree(path(name)) }
    public func list() -> [String] { ((try? FileSystem.contents(of: root.volumes)) ?? []).sorted() }
}
