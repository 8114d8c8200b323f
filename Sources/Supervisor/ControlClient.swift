import Linux

/// The client side of a supervisor's control socket: one request line per connection, one reply line back.
enum ControlClient {
    static func request(_ socketPath: String, _ line: String) throws(Errno) -> String {
        let connection = try UnixSocket.connect(path: socketPath)
        defer { connection.closeQuietly() }
        try connection.writeAll(line + "\n")
        return firstLine(try connection.readAll())
    }

    /// Sends `attach` and reads the reply line only: on "ok" the connection carries AttachFrames from here on.
    static func attach(_ socketPath: String, sendingInput: Bool) throws(Errno) -> (connection: FileDescriptor, reply: String) {
        let connection = try UnixSocket.connect(path: socketPath)
        do throws(Errno) {
            try connection.writeAll(sendingInput ? "attach stdin\n" : "attach\n")
            // Byte by byte: frames may follow the reply at once and must stay unread.
            var line: [UInt8] = []
            var byte: UInt8 = 0
            while try withUnsafeMutableBytes(of: &byte, { buffer throws(Errno) in try connection.read(into: buffer) }) == 1,
                  byte != UInt8(ascii: "\n") {
                line.append(byte)
            }
            return (connection, String(decoding: line, as: UTF8.self))
        } catch {
            connection.closeQuietly()
            throw error
        }
    }

    private static func firstLine(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }
}
