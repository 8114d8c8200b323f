/// Project-level `.env` / `--env-file` reading: files in order, each seeing the shell and earlier values.
enum DotEnvFiles {
    /// Values of all `files`; a later file's value replaces an earlier one's.
    static func read(_ files: [String], shell: [String: String]) throws(LoadError) -> [String: String] {
        var values: [String: String] = [:]
        for file in files {
            guard HostFiles.isFile(file) else { throw .envFileMissing(path: file) }
            let text = String(decoding: try HostFiles.read(file), as: UTF8.self)
            let known = values
            do {
                for (key, value) in try DotEnvParser(lookup: { shell[$0] ?? known[$0] }).parse(text) {
                    values[key] = value
                }
            } catch {
                throw .envFileSyntax(path: file, line: error.line, message: error.message)
            }
        }
        return values
    }
}
