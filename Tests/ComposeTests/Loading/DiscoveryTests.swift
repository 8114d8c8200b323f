import Testing
@testable import Compose

@Suite struct DiscoveryTests {
    let webstack = LoadingFixtures.path("webstack")

    @Test func findsComposeAndOverrideFromASubdirectory() throws {
        let document = try LoadingFixtures.load(in: "webstack/src")
        #expect(document.configFiles == ["\(webstack)/compose.yaml", "\(webstack)/compose.override.yaml"])
        #expect(document.workingDirectory == webstack)
    }

    @Test func explicitFilesSkipTheOverride() throws {
        let document = try LoadingFixtures.load(in: "webstack", files: ["compose.yaml"])
        #expect(document.configFiles == ["\(webstack)/compose.yaml"])
        #expect(document.root.text("services.web.command.0") == "nginx")
    }

    @Test func composeFileVariableWithCustomSeparator() throws {
        let environment = ["COMPOSE_FILE": "compose.yaml;compose.override.yaml", "COMPOSE_PATH_SEPARATOR": ";"]
        let document = try LoadingFixtures.load(in: "webstack", environment: environment)
        #expect(document.configFiles.count == 2)
        #expect(document.root.text("services.web.command.0") == "nginx-debug")
    }

    @Test func standardInputAndProjectDirectory() throws {
        let document = try LoadingFixtures.load(in: "errors", files: ["-"]) { options in
            options.stdinData = Array("services:\n  app:\n    image: ${IMAGE:-alpine}\n".utf8)
            options.projectDirectory = "../monorepo"
        }
        #expect(document.configFiles == ["-"])
        #expect(document.workingDirectory == LoadingFixtures.path("monorepo"))
        #expect(document.projectName == "monorepo")
        #expect(document.root.text("services.app.image") == "alpine")
        #expect(document.root.at("services.app.image")?.mark.description == "-:3:12")
    }

    @Test func noConfigurationFile() {
        #expect(LoadingFixtures.failure(in: "errors") == "no configuration file provided: not found")
    }

    @Test func missingExplicitFile() {
        let missing = LoadingFixtures.path("errors/nope.yml")
        #expect(LoadingFixtures.failure(in: "errors", files: ["nope.yml"]) == "open \(missing): no such file or directory")
    }
}

@Suite struct ProjectNameTests {
    @Test func topLevelNameIsInterpolatedAndNormalised() throws {
        #expect(try LoadingFixtures.load(in: "webstack").projectName == "shopfront")
        let renamed = try LoadingFixtures.load(in: "webstack", environment: ["STACK_NAME": "My_Shop-2"])
        #expect(renamed.projectName == "my_shop-2")
        #expect(renamed.root.text("name") == "my_shop-2")
    }

    @Test func flagThenVariableWin() throws {
        let environment = ["COMPOSE_PROJECT_NAME": "from-env"]
        #expect(try LoadingFixtures.load(in: "webstack", environment: environment).projectName == "from-env")
        let flagged = try LoadingFixtures.load(in: "webstack", environment: environment) { $0.projectName = "flag" }
        #expect(flagged.projectName == "flag")
        #expect(flagged.environment["COMPOSE_PROJECT_NAME"] == "flag")
    }

    @Test func directoryNameIsTheFallback() throws {
        #expect(try LoadingFixtures.load(in: "monorepo").projectName == "monorepo")
        #expect(ProjectNaming.normalise("__My App.v2") == "myappv2")
    }

    @Test func invalidExplicitNamesSayWhereTheyCameFrom() {
        let rule = "must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number"
        #expect(LoadingFixtures.failure(in: "monorepo") { $0.projectName = "My App" }
            == "invalid project name \"My App\" (from -p): \(rule)")
        #expect(LoadingFixtures.failure(in: "monorepo", environment: ["COMPOSE_PROJECT_NAME": "-x"])
            == "invalid project name \"-x\" (from COMPOSE_PROJECT_NAME): \(rule)")
    }
}

@Suite struct DotEnvControlTests {
    @Test func composeVariablesMayComeFromDotEnv() throws {
        let document = try LoadingFixtures.load(in: "dotenvcontrol", environment: [:])
        let directory = LoadingFixtures.path("dotenvcontrol")
        #expect(document.configFiles == ["\(directory)/base.yml", "\(directory)/dev.yml"])
        #expect(document.projectName == "controlled")
        #expect(document.activeProfiles == ["dev", "debug"])
        #expect(document.root.text("services.app.environment.MODE") == "dev")
    }
}
