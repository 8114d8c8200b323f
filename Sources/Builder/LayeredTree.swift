import Glibc
import Linux

/// A read-only view of stacked layer directories (topmost first) as overlayfs would merge them: whiteouts
/// (0:0 character devices) hide lower entries and opaque directories hide lower contents. A build context
/// is a one-layer tree with `.dockerignore` applied.
struct LayeredTree {
    let layers: [String]
    var ignore: DockerIgnore?

    /// The host path of `path` (relative, no leading slash) in the topmost layer holding it, nil when absent.
    func resolve(_ path: String) -> String? {
        if let ignore, ignore.excludes(path) { return nil }
        let components = path.split(separator: "/").map(String.init)
        guard !components.isEmpty else { return layers.first }
        for layer in layers {
            var current = layer
            var present = true
            var opaque = false
            for component in components.dropLast() {
                current += "/" + component
                switch Self.kind(current) {
                case .missing: present = false
                case .whiteout, .other: return nil
                case .directory(let isOpaque): opaque = opaque || isOpaque
                }
                if !present { break }
            }
            if present {
                let full = current + "/" + components.last!
                switch Self.kind(full) {
                case .missing: break
                case .whiteout: return nil
                default: return full
                }
            }
            if opaque { return nil }
        }
        return nil
    }

    /// Names in directory `path`, merged across layers, whiteouts and ignored entries left out.
    func children(_ path: String) -> [String] {
        var seen: Set<String> = []
        var hidden: Set<String> = []
        for layer in layers {
            let directory = path.isEmpty ? layer : layer + "/" + path
            guard case .directory(let opaque) = Self.kind(directory) else { continue }
            for name in (try? FileSystem.contents(of: directory)) ?? [] where !seen.contains(name) && !hidden.contains(name) {
                if case .whiteout = Self.kind(directory + "/" + name) { hidden.insert(name) } else { seen.insert(name) }
            }
            if opaque { break }
        }
        return seen.filter { name in
            guard let ignore else { return true }
            return !ignore.excludes(path.isEmpty ? name : path + "/" + name)
        }.sorted()
    }

    enum Kind {
        case missing, whiteout, other
        case directory(opaque: Bool)
    }

    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFCHR where info.st_rdev == 0: return .whiteout
        case S_IFDIR:
            let fd = try? FileDescriptor.open(path, [.directory, .noFollow])
            defer { fd?.closeQuietly() }
            let opaque = (try? fd?.extendedAttribute("trusted.overlay.opaque")) == Array("y".utf8)
            return .directory(opaque: opaque)
        default: return .other
        }
    }
}
