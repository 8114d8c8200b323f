import Glibc
import Linux
import Network
import Testing

/// The settings file: defaults when absent, errors that name the file and say what is wrong.
@Suite struct SettingsTests {
    func load(_ text: String?) throws(NetworkError) -> Settings {
        let (_, directory) = temporaryStateRoot()
        defer { try? FileSystem.removeTree(directory) }
        let path = directory + "/settings.json"
        if let text { try? FileSystem.writeAtomically(path, text) }
        return try Settings.load(path)
    }

    func message(_ text: String) -> String {
        do {
            _ = try load(text)
            return "loaded"
        } catch {
            return error.description
        }
    }

    @Test func missingFileMeansOutboundOff() throws {
        #expect(try load(nil) == Settings(outbound: false))
        #expect(try load("{}") == Settings(outbound: false))
        #expect(try load(#"{"outbound": true}"#) == Settings(outbound: true))
    }

    @Test func mistakesNameTheFileAndTheProblem() {
        #expect(message(#"{"outbund": true}"#).hasSuffix(#"/settings.json: unknown key "outbund" (known keys: outbound)"#))
        #expect(message(#"{"outbound": "yes"}"#).hasSuffix(#"/settings.json: "outbound" must be a boolean"#))
        #expect(message("{outbound: true").hasSuffix("/settings.json: not valid JSON"))
        #expect(message("[true]").hasSuffix("/settings.json: expected a JSON object"))
        #expect(message("[true]").hasPrefix("settings file /tmp/swcnet-"))
    }
}
