import FoundationEssentials
import Linux

/// The administrator's swcompose settings, read from `StateRoot.settings` (JSON). A missing file means the
/// defaults; a key this version does not know is an error, so a typo never silently leaves a default on.
public struct Settings: Sendable, Hashable, Decodable {
    /// Containers on non-internal networks reach beyond the host through masquerade. Off unless asked for.
    public var outbound = false

    public init(outbound: Bool = false) {
        self.outbound = outbound
    }

    private enum Key: String, CodingKey, CaseIterable { case outbound }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).filter { Key(rawValue: $0) == nil }
        if let key = unknown.sorted().first {
            throw SettingsError.unknownKey(key)
        }
        let container = try decoder.container(keyedBy: Key.self)
        outbound = try container.decodeIfPresent(Bool.self, forKey: .outbound) ?? false
    }

    /// The settings in `path`, or the defaults when there is no such file.
    public static func load(_ path: String) throws(NetworkError) -> Settings {
        guard FileSystem.exists(path) else { return Settings() }
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(path) } catch { throw .settings(path: path, reason: "\(error)") }
        do {
            return try JSONDecoder().decode(Settings.self, from: Data(bytes))
        } catch SettingsError.unknownKey(let key) {
            let known = Key.allCases.map(\.rawValue).joined(separator: ", ")
            throw .settings(path: path, reason: "unknown key \"\(key)\" (known keys: \(known))")
        } catch let DecodingError.typeMismatch(type, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .settings(path: path, reason: key.isEmpty ? "expected a JSON object" : "\"\(key)\" must be a \(type == Bool.self ? "boolean" : "\(type)")")
        } catch {
            throw .settings(path: path, reason: "not valid JSON")
        }
    }

    private enum SettingsError: Error { case unknownKey(String) }
}
