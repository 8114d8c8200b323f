import Glibc
import Linux

/// A fresh directory under /tmp, removed by `remove()` (call it in `defer`).
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/swcompose-archive-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    func remove() { try? FileSystem.removeTree(path) }
}

func lstatOf(_ path: String) -> stat? {
    var st = stat()
    return lstat(path, &st) == 0 ? st : nil
}
