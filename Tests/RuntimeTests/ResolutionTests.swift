import Runtime
import Testing

struct ResolutionTests {
    let passwd = "root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/var/www:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/false\n"
    let group = "root:x:0:\nwww:x:33:\nstaff:x:50:www,other\nnogroup:x:65534:\n"

    @Test func namesNumbersAndGroups() throws {
        #expect(try UserResolver.resolve(nil, additionalGroups: [], passwd: passwd, group: group)
            == ResolvedUser(uid: 0, gid: 0, additionalGids: [], home: "/root"))
        #expect(try UserResolver.resolve("www", additionalGroups: [], passwd: passwd, group: group)
            == ResolvedUser(uid: 33, gid: 33, additionalGids: [50], home: "/var/www"))
        #expect(try UserResolver.resolve("1234:nogroup", additionalGroups: ["staff", "7"], passwd: passwd, group: group)
            == ResolvedUser(uid: 1234, gid: 65534, additionalGids: [50, 7], home: "/"))
        #expect(throws: UserResolutionError.unknownUser("ghost")) {
            try UserResolver.resolve("ghost", additionalGroups: [], passwd: passwd, group: group)
        }
        #expect(throws: UserResolutionError.unknownGroup("nope")) {
            try UserResolver.resolve("www:nope", additionalGroups: [], passwd: passwd, group: group)
        }
    }

    @Test func entrypointAndCommandFollowDocker() {
        let image = (entrypoint: ["/entry"], cmd: ["serve"])
        #expect(CommandResolver.resolve(imageEntrypoint: image.entrypoint, imageCmd: image.cmd, entrypoint: nil, command: nil)
            == ["/entry", "serve"])
        #expect(CommandResolver.resolve(
            imageEntrypoint: image.entrypoint, imageCmd: image.cmd, entrypoint: nil, command: .shell("echo hi"))
            == ["/entry", "/bin/sh", "-c", "echo hi"])
        #expect(CommandResolver.resolve(
            imageEntrypoint: image.entrypoint, imageCmd: image.cmd, entrypoint: .exec(["/other"]), command: nil)
            == ["/other"])
        #expect(CommandResolver.resolve(
            imageEntrypoint: image.entrypoint, imageCmd: image.cmd, entrypoint: .exec([]), command: .exec(["ls"]))
            == ["ls"])
    }

    @Test func capabilityAddAndDrop() throws {
        let set = try DefaultSecurity.capabilities(adding: ["NET_ADMIN"], dropping: ["CAP_CHOWN"])
        #expect(set.names.contains("CAP_NET_ADMIN"))
        #expect(!set.names.contains("CAP_CHOWN"))
        #expect(try DefaultSecurity.capabilities(adding: ["KILL"], dropping: ["ALL"]).names == ["CAP_KILL"])
    }

    @Test func environmentDefaults() {
        let env = CommandResolver.environment(image: ["PATH=/x", "A=1"], service: ["A=2"], hostname: "h", tty: true)
        #expect(env == ["HOSTNAME=h", "PATH=/x", "A=2", "TERM=xterm"])
    }
}
