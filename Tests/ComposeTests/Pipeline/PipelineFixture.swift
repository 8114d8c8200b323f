import Compose
import Glibc
import Testing

/// A directory under Fixtures/pipeline run through the whole reader as `swcompose config` runs it:
/// `ProjectLoader`, then `Project`, then `ConfigRenderer`. `gen.sh` there made the expected outputs
/// with docker compose from the same `args` and `environment`.
struct PipelineFixture {
    static let root: String = {
        let file = #filePath
        return file[..<file.range(of: "/Pipeline/", options: .backwards)!.lowerBound] + "/Fixtures/pipeline"
    }()

    /// The whole process environment the expected outputs were generated with.
    static let environment: [String: String] = {
        var values: [String: String] = [:]
        for line in (TestFiles.read("\(root)/environment") ?? "").split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }()

    let name: String
    var directory: String { "\(Self.root)/\(name)" }

    /// `gen.sh` copies a case here before asking for hashes: they cover absolute paths.
    var hashDirectory: String { "/tmp/swcompose-pipeline/\(name)" }

    /// The `args` file read as the CLI would: global options, `--no-interpolate`, then service names.
    func options(in directory: String, resolveEnvironment: Bool = true) -> LoadOptions {
        var options = LoadOptions(workingDirectory: directory, environment: Self.environment)
        options.resolveEnvironment = resolveEnvironment
        var words = (TestFiles.read("\(self.directory)/args") ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)[...]
        while let word = words.popFirst() {
            switch word {
            case "-f", "--file": options.files.append(words.popFirst() ?? "")
            case "-p", "--project-name": options.projectName = words.popFirst()
            case "--profile": options.profiles.append(words.popFirst() ?? "")
            case "--env-file": options.envFiles.append(words.popFirst() ?? "")
            case "--project-directory": options.projectDirectory = words.popFirst()
            case "--no-interpolate": options.interpolate = false
            default: options.requestedServices.append(word)
            }
        }
        return options
    }

    func project(in directory: String? = nil, resolveEnvironment: Bool = true) throws -> Project {
        let document = try ProjectLoader.load(options(in: directory ?? self.directory, resolveEnvironment: resolveEnvironment))
        return try Project(document: document)
    }

    func expected(_ file: String) throws -> String {
        try #require(TestFiles.read("\(directory)/\(file)")).replacingAll("$FIXTURE_DIR", with: directory)
    }
}

/// Small file helpers on Glibc (the tests use no Foundation).
enum TestFiles {
    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Copies a directory tree (regular files and directories, dot files included).
    static func copyTree(_ source: String, to target: String) throws {
        try makeDirectories(target)
        for (name, isDirectory) in try entries(source) {
            if isDirectory {
                try copyTree("\(source)/\(name)", to: "\(target)/\(name)")
            } else {
                let text = try #require(read("\(source)/\(name)"))
                let file = try #require(fopen("\(target)/\(name)", "wb"))
                defer { fclose(file) }
                _ = Array(text.utf8).withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            }
        }
    }

    static func removeTree(_ path: String) {
        for (name, isDirectory) in (try? entries(path)) ?? [] {
            if isDirectory { removeTree("\(path)/\(name)") } else { unlink("\(path)/\(name)") }
        }
        rmdir(path)
    }

    static func makeDirectories(_ path: String) throws {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/\(part)"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw CopyError(path: prefix, errno: errno) }
        }
    }

    private static func entries(_ path: String) throws -> [(String, Bool)] {
        guard let directory = opendir(path) else { throw CopyError(path: path, errno: errno) }
        defer { closedir(directory) }
        var result: [(String, Bool)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name == "." || name == ".." { continue }
            result.append((name, entry.pointee.d_type == UInt8(DT_DIR)))
        }
        return result
    }

    struct CopyError: Error, CustomStringConvertible {
        var path: String
        var errno: Int32
        var description: String { "\(path): \(String(cString: strerror(errno)))" }
    }
}

/// Where two renderings first differ, to make a failed golden comparison readable.
func firstDifference(_ got: String, _ expected: String) -> String {
    let left = got.split(separator: "\n", omittingEmptySubsequences: false)
    let right = expected.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(left.count, right.count) {
        let l = index < left.count ? String(left[index]) : "<end>"
        let r = index < right.count ? String(right[index]) : "<end>"
        if l != r { return "line \(index + 1): got `\(l)` expected `\(r)`" }
    }
    return "equal"
}
