import YAML

/// How one key's value is checked and normalised.
indirect enum FieldType: Sendable {
    case string
    /// A string or number, printed as a string (`published`, `expose` items).
    case stringOrNumber
    case int
    case float
    case bool
    case duration
    case bytes
    /// An octal file mode (`0400` or `"0400"`), printed as a quoted octal string.
    case fileMode
    /// A path resolved against the working directory (`~` expanded).
    case path
    case stringList
    /// A single string or a list of strings, always printed as a list.
    case stringOrList
    /// A string (shell form, split into words) or a list; null kept.
    case command
    /// `KEY=value` list or mapping; values become strings, a missing value becomes "".
    case stringMap
    /// Like `stringMap` but a missing value is looked up in the environment, else null (unset).
    case environment
    case object(ObjectSchema)
    case mapOf(FieldType)
    case listOf(FieldType)
    /// A list whose items may each expand to several normalised items (port ranges).
    case expandingList(name: String, convert: @Sendable (Node, String, NormalizeContext) throws(ComposeError) -> [Node])
    /// Anything at all, kept as written (extensions).
    case any
    /// Not a plain shape: a function checks and converts it. `checksUninterpolated`: compose's schema
    /// refuses scalars other than the ones the function accepts even before interpolation (shapes, enums).
    case custom(name: String, checksUninterpolated: Bool = false,
                convert: @Sendable (Node, String, NormalizeContext) throws(ComposeError) -> Node)

    /// What the type accepts, for error messages.
    var expectation: String {
        switch self {
        case .string, .path: return "a string"
        case .stringOrNumber: return "a string or number"
        case .int: return "an integer"
        case .float: return "a number"
        case .bool: return "a boolean"
        case .duration: return "a duration string such as 10s, 1m30s or 500ms"
        case .bytes: return "a byte size such as 512m, 1g or a number of bytes"
        case .fileMode: return "an octal file mode such as 0440"
        case .stringList, .expandingList, .listOf: return "a sequence"
        case .stringOrList: return "a string or a sequence of strings"
        case .command: return "a string or a sequence of strings"
        case .stringMap, .environment: return "a mapping or a sequence of KEY=value strings"
        case .object, .mapOf: return "a mapping"
        case .any: return "any value"
        case .custom(let name, _, _): return name
        }
    }

    /// Types whose scalars compose parses into something else (numbers, sizes, durations, policies,
    /// short syntaxes): without interpolation such a scalar may still hold `${...}`, so compose's schema
    /// lets any scalar through there.
    var parsesScalars: Bool {
        switch self {
        case .int, .float, .bool, .duration, .bytes, .fileMode: return true
        case .custom(_, let checksUninterpolated, _): return !checksUninterpolated
        default: return false
        }
    }
}

/// One key of a compose object.
struct Field: Sendable {
    var key: String
    var type: FieldType
    /// Printed even when zero/false (Go pointer fields such as `init`, `retries`, `replicas`).
    var keepZero: Bool
    /// Accepted but not printed by `config` (resolved earlier, e.g. `env_file`).
    var hidden: Bool

    init(_ key: String, _ type: FieldType, keepZero: Bool = false, hidden: Bool = false) {
        self.key = key
        self.type = type
        self.keepZero = keepZero
        self.hidden = hidden
    }
}

/// The keys of one compose object, in the order docker compose prints them.
final class ObjectSchema: Sendable {
    let name: String
    let fields: [Field]
    let allowsExtensions: Bool
    /// Converts a scalar or sequence short form into the long mapping form.
    let shortForm: (@Sendable (Node, String, NormalizeContext) throws(ComposeError) -> Node)?
    /// Adds defaults and cross-field checks to the normalised pairs.
    let finish: (@Sendable (inout [(String, Node)], Node, String, NormalizeContext) throws(ComposeError) -> Void)?

    init(_ name: String, _ fields: [Field], allowsExtensions: Bool = true,
         shortForm: (@Sendable (Node, String, NormalizeContext) throws(ComposeError) -> Node)? = nil,
         finish: (@Sendable (inout [(String, Node)], Node, String, NormalizeContext) throws(ComposeError) -> Void)? = nil) {
        self.name = name
        self.fields = fields
        self.allowsExtensions = allowsExtensions
        self.shortForm = shortForm
        self.finish = finish
    }

    var keys: [String] { fields.map(\.key) }

    func field(_ key: String) -> Field? { fields.first { $0.key == key } }
}

/// What normalisation needs from the document.
struct NormalizeContext: Sendable {
    var workingDirectory: String
    var environment: [String: String]
    /// False after `--no-interpolate`: scalars are checked for shape only (see `FieldType.parsesScalars`).
    var interpolated = true

    /// Resolves a host path: `~` from HOME, relative paths against the working directory, `.`/`..` folded.
    func absolutePath(_ path: String) -> String {
        var path = path
        if path == "~" || path.hasPrefix("~/") {
            path = (environment["HOME"] ?? "~") + path.dropFirst()
        }
        if !path.hasPrefix("/") { path = workingDirectory + "/" + path }
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
