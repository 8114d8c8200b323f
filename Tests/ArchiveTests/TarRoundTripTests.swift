import Archive
import Testing

@Suite struct TarRoundTripTests {
    @Test func readsBackWhatWasWritten() throws {
        let longName = String(repeating: "deep/", count: 30) + "file.txt"
        var writer = TarWriter()
        writer.append(TarEntry(path: "dir/", kind: .directory, mode: 0o755, uid: 1, gid: 2, modificationTime: (1_700_000_000, 0)))
        writer.append(TarEntry(path: "dir/hello", kind: .regular, mode: 0o640, modificationTime: (1_700_000_001, 250_000_000),
                               xattrs: ["user.note": Array("hi".utf8)]), contents: Array("hello world".utf8))
        writer.append(TarEntry(path: longName, kind: .regular), contents: [1, 2, 3])
        writer.append(TarEntry(path: "link", kind: .symbolicLink, mode: 0o777, linkName: String(repeating: "t", count: 150)))
        writer.appendGNULongName(TarEntry(path: String(repeating: "g", count: 120), kind: .regular), contents: [9])
        writer.finish()

        let reader = TarReader(BytesSource(writer.bytes))
        var seen: [(TarEntry, [UInt8])] = []
        while let entry = try reader.next() { seen.append((entry, try reader.readAll())) }
        #expect(seen.map(\.0.path) == ["dir/", "dir/hello", longName, "link", String(repeating: "g", count: 120)])
        #expect(seen[0].0.kind == .directory && seen[0].0.uid == 1 && seen[0].0.gid == 2)
        #expect(seen[1].1 == Array("hello world".utf8))
        #expect(seen[1].0.mode == 0o640)
        #expect(seen[1].0.modificationTime == (1_700_000_001, 250_000_000))
        #expect(seen[1].0.xattrs == ["user.note": Array("hi".utf8)])
        #expect(seen[2].1 == [1, 2, 3])
        #expect(seen[3].0.linkName == String(repeating: "t", count: 150))
        #expect(seen[4].1 == [9])
    }

    @Test func gzipRoundTripAndHashes() throws {
        let data = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let compressed = try Gzip.compress(data)
        let hashing = HashingSource(try decompressing(BytesSource(compressed)))
        #expect(try hashing.readAll() == data)
        #expect(hashing.digest() == "sha256:" + SHA256.hex(of: data))
        // Concatenated gzip members are one stream.
        let twice = try GzipSource(BytesSource(compressed + compressed)).readAll()
        #expect(twice == data + data)
    }

    @Test func truncatedInputIsAnError() throws {
        var writer = TarWriter()
        writer.append(TarEntry(path: "big", kind: .regular), contents: [UInt8](repeating: 7, count: 5000))
        writer.finish()
        let reader = TarReader(BytesSource(Array(writer.bytes.prefix(2000))))
        _ = try reader.next()
        #expect(throws: ArchiveError.truncated("entry content ends early")) { try reader.readAll() }

        let gz = try Gzip.compress(writer.bytes)
        #expect(throws: ArchiveError.self) { try GzipSource(BytesSource(Array(gz.prefix(gz.count / 2)))).readAll() }
    }

    @Test func corruptHeaderIsRejected() throws {
        var writer = TarWriter()
        writer.append(TarEntry(path: "x", kind: .regular), contents: [1])
        var bytes = writer.bytes
        bytes[0] = UInt8(ascii: "y")
        #expect(throws: ArchiveError.self) { try TarReader(BytesSource(bytes)).next() }
    }
}
