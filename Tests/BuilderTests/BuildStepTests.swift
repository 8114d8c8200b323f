import Testing

@testable import Builder

@Suite struct BuildStepTests {
    let words = WordExpander(variables: ["V": "x y"])

    @Test func envAndLabelForms() throws {
        let pairs = try BuildRun.keyValues("A=1 B=\"two words\" C=$V", words)
        #expect(pairs.map(\.0) == ["A", "B", "C"])
        #expect(pairs.map(\.1) == ["1", "two words", "x y"])
        let legacy = try BuildRun.keyValues("GREETING hello  $V", words)
        #expect(legacy.map(\.0) == ["GREETING"] && legacy.map(\.1) == ["hello  x y"])
        #expect(throws: (any Error).self) { try BuildRun.keyValues("ONLYKEY", words) }
    }

    @Test func destinationPaths() {
        #expect(CopyStep.absolute("app/", in: "/srv") == "/srv/app/")
        #expect(CopyStep.absolute("/etc/x", in: "/srv") == "/etc/x")
        #expect(CopyStep.absolute(".", in: "/") == "/")
        #expect(CopyStep.absolute("../../x", in: "/a") == "/x")
        // A context path never climbs out of the context.
        #expect(CopyStep.relative("../../etc/passwd") == "etc/passwd")
        #expect(CopyStep.relative("./src//main/") == "src/main")
    }

    @Test func environmentOfRunSteps() {
        var state = BuildState.scratch
        state.setEnvironment("A", "env")
        state.setEnvironment("A", "again")
        state.args = ["A": "arg", "B": "arg"]
        #expect(state.config.env == ["A=again"])
        #expect(state.runEnvironment == ["A=again", "B=arg"])
        #expect(state.variables == ["A": "again", "B": "arg"])
        #expect(state.workingDirectory == "/" && state.shell == ["/bin/sh", "-c"])
    }
}
