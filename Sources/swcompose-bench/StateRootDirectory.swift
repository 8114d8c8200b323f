import Glibc
import Linux

/// A fresh, short SWCOMPOSE_ROOT: supervisors bind unix sockets named by a 64-hex container id below it,
/// and sun_path holds 107 bytes, so a root under a long work directory cannot start containers.
enum StateRootDirectory {
    static func make() throws(BenchError) -> String {
        var template = Array("/tmp/swcb-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw .system(what: "create a state root in /tmp", Errno.current("mkdtemp", "/tmp/swcb-XXXXXX"))
        }
        return String(cString: made)
    }
}
