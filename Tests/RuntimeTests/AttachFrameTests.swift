import Testing
@testable import Supervisor

@Suite struct AttachFrameTests {
    @Test func framesRoundTripAndPartialOnesWait() throws {
        let frames: [AttachFrame] = [.stdout(Array("out".utf8)), .stderr([]), .stdin([0, 255]), .closeStdin,
                                     .resize(rows: 24, columns: 80), .exit(-1), .exit(137)]
        let bytes = frames.flatMap(\.bytes)
        #expect(AttachFrame.resize(rows: 24, columns: 80).bytes == [5, 0, 0, 0, 4, 0, 24, 0, 80])
        // Fed in two pieces cut inside a frame: the first parse leaves the partial frame for the second.
        var buffer = Array(bytes[..<10])
        var parsed = try AttachFrame.parse(&buffer)
        #expect(parsed == [.stdout(Array("out".utf8))])
        #expect(buffer == Array(bytes[8..<10]))
        buffer += bytes[10...]
        parsed += try AttachFrame.parse(&buffer)
        #expect(parsed == frames)
        #expect(buffer.isEmpty)
    }

    @Test func brokenFramesAreRefused() {
        var oversized: [UInt8] = [1, 0x7f, 0xff, 0xff, 0xff]
        #expect(throws: AttachFrameError.oversized(0x7fff_ffff)) { try AttachFrame.parse(&oversized) }
        var unknown: [UInt8] = [9, 0, 0, 0, 0]
        #expect(throws: AttachFrameError.malformed(kind: 9, length: 0)) { try AttachFrame.parse(&unknown) }
        var shortExit: [UInt8] = [3, 0, 0, 0, 1, 7]
        #expect(throws: AttachFrameError.malformed(kind: 3, length: 1)) { try AttachFrame.parse(&shortExit) }
    }

    @Test func detachKeysAreHeldBackUntilTheSequenceDecides() throws {
        var keys = try #require(DetachKeys("ctrl-p,ctrl-q"))
        #expect(keys.sequence == [0x10, 0x11])
        // A lone ctrl-p is passed on once the next key shows it was not the sequence.
        #expect(keys.filter([0x61, 0x10]) == ([0x61], false))
        #expect(keys.filter([0x10]) == ([0x10], false))
        #expect(keys.filter([0x62]) == ([0x10, 0x62], false))
        // Split over two reads, with input before it.
        #expect(keys.filter([0x63, 0x10]) == ([0x63], false))
        #expect(keys.filter([0x11, 0x64]) == ([], true))
        #expect(DetachKeys("ctrl-@")?.sequence == [0])
        #expect(DetachKeys("x")?.sequence == [0x78])
        #expect(DetachKeys("ctrl-1") == nil)
        #expect(DetachKeys("") == nil)
        #expect(DetachKeys("ctrl-p,,ctrl-q") == nil)
    }
}
