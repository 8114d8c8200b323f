import Archive
import Glibc
import Images
import Linux

/// COPY and ADD (local sources only): files from the build context, an earlier stage or an image become one
/// layer. Parent directories that already exist keep their mode and owner; new ones are 0755 root.
struct CopyStep {
    let builder: ImageBuilder
    let instruction: Instruction
    let words: WordExpander
    let state: BuildState
    let source: LayeredTree

    static let flags: Set<String> = ["from", "chown", "chmod", "link"]

    var store: ImageStore { builder.store }

    func run() throws -> ImageStore.StoredLayer {
        if let unknown = instruction.flags.keys.sorted().first(where: { !Self.flags.contains($0) }) {
            throw StepError("--\(unknown) is not supported")
        }
        var list: [String]
        switch instruction.arguments {
        case .exec(let raw): list = try raw.map { try words.word($0) }
        case .shell(let raw): list = try words.words(raw)
        }
        guard list.count >= 2 else { throw StepError("needs a source and a destination") }
        let destination = Self.absolute(list.removeLast(), in: state.workingDirectory)
        let owner = try self.owner()
        let mode = try self.mode()
        if instruction.keyword == "ADD" { try refuseRemote(list) }

        var matches: [String] = []
        for pattern in list {
            let found = expand(Self.relative(pattern))
            guard !found.isEmpty else {
                throw StepError(instruction.flags["from"] == nil
                    ? "\(pattern): not found in the build context (or excluded by .dockerignore)"
                    : "\(pattern): not found in stage or image \(instruction.flags["from"]!)")
            }
            matches += found
        }
        let target = state.tree(store)
        let destinationRelative = String(destination.dropFirst())
        let intoDirectory = destination.hasSuffix("/") || matches.count > 1
            || matches.contains { source.resolve($0).map(Self.isDirectory) ?? false }
            || target.resolve(destinationRelative).map(Self.isDirectory) == true

        var layer = LayerWriter(target: target)
        for match in matches {
            guard let host = source.resolve(match) else { continue }
            if Self.isDirectory(host) {
                try layer.directories(destinationRelative, owner: owner)
                for child in source.children(match) {
                    try copy(match.isEmpty ? child : match + "/" + child, to: Self.join(destinationRelative, child), owner: owner, mode: mode, into: &layer)
                }
            } else {
                let name = intoDirectory ? Self.join(destinationRelative, String(match.split(separator: "/").last ?? "")) : destinationRelative
                try layer.directories(Self.parent(name), owner: owner)
                try copy(match, to: name, owner: owner, mode: mode, into: &layer)
            }
        }
        return try store.addLayer(tar: layer.archiver.finish(), what: "\(instruction.keyword) layer")
    }

    private func copy(_ path: String, to name: String, owner: (uid: Int, gid: Int), mode: UInt32?, into layer: inout LayerWriter) throws {
        guard let host = source.resolve(path) else { return }
        try layer.archiver.appendNode(host, as: name, owner: owner, mode: mode)
        layer.written.insert(name)
        guard Self.isDirectory(host) else { return }
        for child in source.children(path) { try copy(path + "/" + child, to: name + "/" + child, owner: owner, mode: mode, into: &layer) }
    }

    /// Context-relative paths matching `pattern` (`*`, `?`, `[...]` per component), sorted.
    private func expand(_ pattern: String) -> [String] {
        guard pattern.contains(where: { "*?[".contains($0) }) else {
            return source.resolve(pattern) == nil ? [] : [pattern]
        }
        var candidates = [""]
        for component in pattern.split(separator: "/").map(String.init) {
            candidates = candidates.flatMap { base in
                source.children(base).filter { fnmatch(component, $0, FNM_PERIOD) == 0 }.map { base.isEmpty ? $0 : base + "/" + $0 }
            }
        }
        return candidates.sorted()
    }

    /// `--chown=uid[:gid]` in numbers; names would need the image's passwd file: ignored with a note.
    private func owner() throws -> (uid: Int, gid: Int) {
        guard let text = instruction.flags["chown"] else { return (0, 0) }
        let parts = try words.word(text).split(separator: ":", maxSplits: 1).map(String.init)
        guard let uid = parts.first.flatMap({ Int($0) }), let gid = parts.count > 1 ? Int(parts[1]) : uid else {
            builder.report("WARN --chown=\(text) ignored: only numeric uid[:gid] is supported, files stay owned by root")
            return (0, 0)
        }
        return (uid, gid)
    }

    /// `--chmod=0755`: octal permission bits for everything copied.
    private func mode() throws -> UInt32? {
        guard let text = instruction.flags["chmod"] else { return nil }
        guard let mode = UInt32(try words.word(text), radix: 8), mode <= 0o7777 else {
            throw StepError("--chmod=\(text): expected octal permission bits such as 0755")
        }
        return mode
    }

    private func refuseRemote(_ sources: [String]) throws {
        for source in sources {
            if source.contains("://") || source.hasPrefix("git@") {
                throw StepError("\(source): ADD from a URL is not supported; download it in a RUN step or put it in the build context")
            }
            if [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"].contains(where: source.hasSuffix) {
                throw StepError("\(source): ADD does not unpack local archives; COPY it and unpack it in a RUN step")
            }
        }
    }

    /// A layer holding `path` and its missing parents as directories (WORKDIR of a new directory).
    static func directoryLayer(_ path: String, store: ImageStore, state: BuildState) throws -> ImageStore.StoredLayer {
        var layer = LayerWriter(target: state.tree(store))
        try layer.directories(String(path.dropFirst()), owner: (0, 0))
        return try store.addLayer(tar: layer.archiver.finish(), what: "WORKDIR layer")
    }

    // MARK: Paths

    static func absolute(_ path: String, in directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : (directory.hasSuffix("/") ? directory : directory + "/") + path
        let trailing = joined.hasSuffix("/") && joined != "/"
        return "/" + relative(joined) + (trailing ? "/" : "")
    }

    /// Cleans `.`, `..` and slashes; `..` never climbs above the root (a context cannot be escaped).
    static func relative(_ path: String) -> String {
        var parts: [Substring] = []
        for component in path.split(separator: "/") where component != "." {
            if component == ".." { _ = parts.popLast() } else { parts.append(component) }
        }
        return parts.joined(separator: "/")
    }

    static func join(_ directory: String, _ name: String) -> String { directory.isEmpty ? name : directory + "/" + name }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}

/// The layer a COPY writes, remembering which directories it already holds.
struct LayerWriter {
    let target: LayeredTree
    var archiver = LayerArchiver()
    var written: Set<String> = []

    /// Adds `path` (relative) and its ancestors as directories unless already written: existing ones copied
    /// with their metadata from the image, new ones 0755 owned by `owner`.
    mutating func directories(_ path: String, owner: (uid: Int, gid: Int)) throws {
        var current = ""
        for component in path.split(separator: "/") {
            current = current.isEmpty ? String(component) : current + "/" + component
            guard !written.contains(current) else { continue }
            if let existing = target.resolve(current), CopyStep.isDirectory(existing) {
                try archiver.appendNode(existing, as: current)
            } else {
                archiver.append(TarEntry(path: current + "/", kind: .directory, mode: 0o755, uid: owner.uid, gid: owner.gid))
            }
            written.insert(current)
        }
    }
}
