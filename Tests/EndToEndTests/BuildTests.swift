import Foundation
import Testing

/// Dockerfile builds through the CLI: RUN in a container over the image's layers (no network needed),
/// COPY from the context and from other stages, and errors that name the Dockerfile line.
@Suite(.serialized) struct BuildTests {
    /// Temporary build directories left in the image store (upper, work, merged of RUN steps).
    func leftovers(_ stack: Stack) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: stack.root + "/lib/images/tmp")) ?? []).filter { $0.hasSuffix("-build") }
    }

    @Test func upBuildsTheMissingImageAndRunsIt() throws {
        let stack = try Stack("services:\n  web:\n    build: .\n", name: "build")
        defer { stack.tearDown() }
        stack.importBusybox()
        try stack.write("""
            FROM localhost/busybox:test
            RUN echo built > /built && rm /bin/vi
            COPY app.txt /app/
            WORKDIR /app
            ENV GREETING=hi
            CMD ["sh","-c","cat /built app.txt; echo $GREETING; ls /bin/vi"]
            """, to: "Dockerfile")
        try stack.write("from the context\n", to: "app.txt")
        try stack.write("secret\n", to: "ignored.txt")
        try stack.write("ignored.txt\n", to: ".dockerignore")

        let noBuild = stack.run(["up", "-d", "--no-build"])
        #expect(noBuild.status != 0 && noBuild.stderr.contains("image \(stack.project)-web is not built yet and --no-build was given"),
                "\(noBuild.stderr)")
        let up = stack.run(["up", "-d"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(up.stderr.contains("#2 [web 2/6] RUN echo built > /built && rm /bin/vi"), "\(up.stderr)")
        #expect(stack.run(["image", "ls"]).stdout.contains("\(stack.project)-web"))
        var logs = ""
        for _ in 0..<50 where !logs.contains("/bin/vi") {
            usleep(100_000)
            let result = stack.run(["logs", "--no-log-prefix", "web"])
            logs = result.stdout + result.stderr
        }
        #expect(logs.contains("built\nfrom the context\nhi\n"), "\(logs)")
        #expect(logs.contains("ls: /bin/vi: No such file or directory"), "\(logs)")

        // A second `up` reuses the image; `up --build` builds again.
        let again = stack.run(["up", "-d"])
        #expect(again.status == 0 && !again.stderr.contains("Building"), "\(again.stderr)")
        try stack.write("changed\n", to: "app.txt")
        let rebuilt = stack.run(["up", "-d", "--build"])
        #expect(rebuilt.status == 0 && rebuilt.stderr.contains("web Building"), "\(rebuilt.stderr)")
        #expect(rebuilt.stderr.contains("web-1  Recreate"), "\(rebuilt.stderr)")
        // The RUN step's inputs did not change: its layer comes from the cache.
        #expect(rebuilt.stderr.contains("#2 CACHED\n#3 [web 3/6] COPY app.txt /app/"), "\(rebuilt.stderr)")
        logs = ""
        for _ in 0..<50 where !logs.contains("changed") {
            usleep(100_000)
            logs = stack.run(["logs", "--no-log-prefix", "web"]).stdout
        }
        #expect(logs.contains("built\nchanged\nhi\n"), "\(logs)")
        // Nothing changed since: the same image ID, so nothing is recreated.
        let unchanged = stack.run(["up", "-d", "--build"])
        #expect(unchanged.status == 0 && !unchanged.stderr.contains("Recreate"), "\(unchanged.stderr)")
        // .dockerignore kept ignored.txt out: COPY of it fails.
        try stack.write("FROM localhost/busybox:test\nCOPY ignored.txt /\n", to: "Dockerfile")
        let ignored = stack.run(["build"])
        #expect(ignored.status != 0 && ignored.stderr.contains("Dockerfile:2: COPY: ignored.txt: not found in the build context"), "\(ignored.stderr)")

        stack.run(["down", "-t", "1"])
        #expect(stack.leaks().isEmpty, "\(stack.leaks())")
        #expect(leftovers(stack).isEmpty, "\(leftovers(stack))")
    }

    @Test func multiStageWithArgsTargetAndCopyFrom() throws {
        let stack = try Stack("""
            services:
              app:
                build:
                  context: ./src
                  dockerfile: build.Dockerfile
                  args: {MSG: hello}
                  labels: {made.by: swcompose}
              first:
                image: swc-first:test
                build:
                  context: ./src
                  dockerfile: build.Dockerfile
                  target: build
              inline:
                build:
                  dockerfile_inline: |
                    FROM localhost/busybox:test
                    CMD ["echo", "inline"]
                  cache_from: [example/cache]
            """, name: "multi")
        defer { stack.tearDown() }
        stack.importBusybox()
        try stack.write("""
            ARG BASE=localhost/busybox:test
            FROM ${BASE} AS build
            ARG MSG=unset
            RUN mkdir /out && echo "msg=$MSG" > /out/result && echo x > /out/other
            FROM $BASE
            COPY --from=build --chown=5:6 --chmod=0640 /out/result /final/
            CMD ["cat", "/final/result"]
            """, to: "src/build.Dockerfile")

        let build = stack.run(["build"])
        #expect(build.status == 0, "\(build.stderr)")
        // `--no-cache` runs RUN again; a changed build arg misses the cache, the earlier one hits it.
        let again = stack.run(["build", "--no-cache", "first"])
        #expect(again.status == 0 && !again.stderr.contains("CACHED"), "\(again.stderr)")
        let changedArg = stack.run(["build", "--build-arg", "MSG=other", "app"])
        #expect(changedArg.status == 0 && !changedArg.stderr.contains("CACHED"), "\(changedArg.stderr)")
        #expect(stack.run(["run", "--rm", "-T", "app"]).stdout == "msg=other\n")
        #expect(stack.run(["build", "app"]).stderr.contains("#3 CACHED"))
        #expect(build.stderr.contains("WARN `build.cache_from` is not supported by swcompose yet and is ignored"), "\(build.stderr)")
        #expect(stack.run(["run", "--rm", "-T", "inline"]).stdout == "inline\n")
        let run = stack.run(["run", "--rm", "-T", "app"])
        #expect(run.stdout == "msg=hello\n", "\(run.stdout) \(run.stderr)")
        let listing = stack.run(["run", "--rm", "-T", "app", "ls", "/final"])
        #expect(listing.stdout == "result\n", "\(listing.stdout)")
        let attributes = stack.run(["run", "--rm", "-T", "app", "stat", "-c", "%a %u %g", "/final/result", "/final"])
        #expect(attributes.stdout == "640 5 6\n755 5 6\n", "\(attributes.stdout) \(attributes.stderr)")
        let inspect = stack.run(["image", "inspect", "\(stack.project)-app"])
        #expect(inspect.stdout.contains("\"made.by\" : \"swcompose\"") || inspect.stdout.contains("\"made.by\": \"swcompose\""), "\(inspect.stdout)")
        // `target: build` stops at the first stage, whose /out holds both files.
        let first = stack.run(["run", "--rm", "-T", "first", "ls", "/out"])
        #expect(first.stdout == "other\nresult\n", "\(first.stdout) \(first.stderr)")

        stack.run(["down", "-t", "1"])
        #expect(stack.leaks().isEmpty, "\(stack.leaks())")
        #expect(leftovers(stack).isEmpty, "\(leftovers(stack))")
    }

    @Test func badDockerfilesNameTheFileAndLine() throws {
        let stack = try Stack("services:\n  web:\n    build: .\n", name: "badbuild")
        defer { stack.tearDown() }
        stack.importBusybox()
        let dockerfile = stack.directory + "/Dockerfile"

        try stack.write("FROM localhost/busybox:test\nFORM x\n", to: "Dockerfile")
        let unknown = stack.run(["build"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("\(dockerfile):2: FORM: unknown instruction"), "\(unknown.stderr)")

        try stack.write("FROM localhost/busybox:test\nRUN true\nRUN echo failing; exit 3\n", to: "Dockerfile")
        let failing = stack.run(["up", "-d"])
        #expect(failing.status != 0)
        #expect(failing.stderr.contains("failing"), "\(failing.stderr)")
        #expect(failing.stderr.contains("\(dockerfile):3: RUN: process \"/bin/sh -c echo failing; exit 3\" did not complete successfully: exited with 3"),
                "\(failing.stderr)")

        try stack.write("FROM localhost/busybox:test\nADD https://example.com/x /x\n", to: "Dockerfile")
        let remote = stack.run(["build"])
        #expect(remote.stderr.contains("\(dockerfile):2: ADD: https://example.com/x: ADD from a URL is not supported"), "\(remote.stderr)")

        #expect(stack.leaks().isEmpty, "\(stack.leaks())")
        #expect(leftovers(stack).isEmpty, "\(leftovers(stack))")
    }
}
