import Testing
@testable import Reconciler

@Suite struct PlannerTests {
    let desired = DesiredState(
        project: "shop",
        networks: [DesiredNetwork(name: "shop_default")],
        volumes: [DesiredVolume(name: "shop_data")],
        services: [
            DesiredService(name: "db", configHash: "h-db", networks: ["shop_default"], volumes: ["shop_data"]),
            DesiredService(name: "app", configHash: "h-app",
                           dependencies: [Dependency(service: "db", condition: .healthy)], networks: ["shop_default"]),
            DesiredService(name: "web", configHash: "h-web", dependencies: [Dependency(service: "app")],
                           networks: ["shop_default"]),
        ])

    func running(_ service: String, _ number: Int = 1, hash: String? = nil) -> ObservedContainer {
        ObservedContainer(id: "id-\(service)-\(number)", name: "shop-\(service)-\(number)", service: service,
                          number: number, configHash: hash ?? "h-\(service)", status: .running)
    }

    var upToDate: ObservedState {
        ObservedState(networks: ["shop_default"], volumes: ["shop_data"],
                      containers: [running("db"), running("app"), running("web")])
    }

    @Test func freshProjectCreatesEverythingInDependencyOrder() throws {
        let plan = try Planner.planUp(desired: desired, observed: ObservedState())
        #expect(plan.description == """
        [] -> #1 network shop_default, Create, missing
        [] -> #2 volume shop_data, Create, missing
        [1 2] -> #3 container shop-db-1, Create, missing
        [3] -> #4 service db, Await service_healthy, required by app
        [1 4] -> #5 container shop-app-1, Create, missing
        [1 5] -> #6 container shop-web-1, Create, missing

        """)
    }

    @Test func convergedProjectHasAnEmptyPlan() throws {
        #expect(try Planner.planUp(desired: desired, observed: upToDate).isEmpty)
    }

    @Test func changedServiceIsRecreatedWithItsDependentsOnly() throws {
        var observed = upToDate
        observed.containers[1] = running("app", hash: "old")
        let plan = try Planner.planUp(desired: desired, observed: observed)
        #expect(plan.description == """
        [] -> #1 service db, Await service_healthy, required by app
        [1] -> #2 container shop-app-1, Recreate, config hash changed
        [2] -> #3 container shop-web-1, Recreate, dependency app recreated

        """)
    }

    @Test func containerOfAnotherImageIsRecreatedWhenTheImageIsKnown() throws {
        var wanted = desired
        wanted.services[2].imageID = "sha256:new"
        var observed = upToDate
        observed.containers[2].imageID = "sha256:old"
        #expect(try Planner.planUp(desired: wanted, observed: observed).description == """
        [] -> #1 container shop-web-1, Recreate, image changed

        """)
        observed.containers[2].imageID = "sha256:new"
        #expect(try Planner.planUp(desired: wanted, observed: observed).isEmpty)
        // Without a known image (no `--build`), the image is not compared.
        #expect(try Planner.planUp(desired: desired, observed: upToDate).isEmpty)
    }

    @Test func noRecreateKeepsChangedContainers() throws {
        var observed = upToDate
        observed.containers[1] = running("app", hash: "old")
        var options = UpOptions()
        options.noRecreate = true
        #expect(try Planner.planUp(desired: desired, observed: observed, options: options).isEmpty)
    }

    @Test func scaleUpThenDownRemovesHighestNumbersFirst() throws {
        var options = UpOptions()
        options.scale = ["web": 3]
        let up = try Planner.planUp(desired: desired, observed: upToDate, options: options)
        #expect(up.description == """
        [] -> #1 container shop-web-2, Create, missing
        [] -> #2 container shop-web-3, Create, missing

        """)
        var observed = upToDate
        observed.containers += [running("web", 2), running("web", 3)]
        options.scale = ["web": 1]
        let down = try Planner.planUp(desired: desired, observed: observed, options: options)
        #expect(down.description == """
        [] -> #1 container shop-web-3, Remove, scale down to 1
        [] -> #2 container shop-web-2, Remove, scale down to 1

        """)
    }

    @Test func orphansWarnUnlessRemoved() throws {
        var observed = upToDate
        observed.containers.append(running("old"))
        let kept = try Planner.planUp(desired: desired, observed: observed)
        #expect(kept.isEmpty && kept.warnings.count == 1)
        var options = UpOptions()
        options.removeOrphans = true
        let removed = try Planner.planUp(desired: desired, observed: observed, options: options)
        #expect(removed.description == "[] -> #1 container shop-old-1, Remove, orphan\n")
    }

    @Test func unselectedServicesAreNotOrphans() throws {
        // `up db` (or `run`): web and app are declared, only not selected.
        var selected = desired
        selected.services = [desired.services[0]]
        let plan = try Planner.planUp(desired: selected, observed: upToDate)
        #expect(plan.isEmpty && plan.warnings.isEmpty, "\(plan.warnings)")
    }

    @Test func stoppedContainerIsStartedNotRecreated() throws {
        var observed = upToDate
        observed.containers[0].status = .exited
        let plan = try Planner.planUp(desired: desired, observed: observed)
        #expect(plan.description == "[] -> #1 container shop-db-1, Start, exited\n")
    }

    @Test func missingExternalNetworkIsAnError() throws {
        var external = desired
        external.networks = [DesiredNetwork(name: "corp", external: true)]
        #expect(throws: PlanError.externalNetworkMissing("corp")) {
            try Planner.planUp(desired: external, observed: ObservedState())
        }
    }

    @Test func downRemovesDependentsFirstAndKeepsVolumes() throws {
        let plan = Planner.planDown(desired: desired, observed: upToDate)
        #expect(plan.description == """
        [] -> #1 container shop-web-1, Remove, down
        [1] -> #2 container shop-app-1, Remove, down
        [2] -> #3 container shop-db-1, Remove, down
        [1 2 3] -> #4 network shop_default, Remove, down

        """)
        var options = DownOptions()
        options.removeVolumes = true
        #expect(Planner.planDown(desired: desired, observed: upToDate, options: options).description
            .hasSuffix("[1 2 3] -> #5 volume shop_data, Remove, down -v\n"))
    }

    @Test func downByNameRemovesEveryContainerAndOnlyWhatTheProjectCreated() {
        var observed = upToDate
        observed.networks = ["shop_default", "corp"]
        observed.volumes = ["shop_data", "corp_data"]
        observed.projectNetworks = ["shop_default"]
        observed.projectVolumes = ["shop_data"]
        var options = DownOptions()
        options.removeOrphans = true
        options.removeVolumes = true
        let plan = Planner.planDown(desired: DesiredState(leftoversOf: observed, project: "shop"), observed: observed, options: options)
        #expect(plan.description == """
        [] -> #1 container shop-db-1, Remove, orphan
        [] -> #2 container shop-app-1, Remove, orphan
        [] -> #3 container shop-web-1, Remove, orphan
        [1 2 3] -> #4 network shop_default, Remove, down
        [1 2 3] -> #5 volume shop_data, Remove, down -v

        """)
    }
}

@Suite struct ExecutorTests {
    actor Recorder: PlanActions {
        var order: [Int] = []
        var concurrent = 0
        var maxConcurrent = 0
        let failing: Int?
        init(failing: Int? = nil) { self.failing = failing }

        func perform(_ node: PlanNode) async throws {
            concurrent += 1
            maxConcurrent = max(maxConcurrent, concurrent)
            try await Task.sleep(for: .milliseconds(20))
            concurrent -= 1
            order.append(node.id)
            if node.id == failing { throw PlanError.externalVolumeMissing("boom") }
        }
    }

    @Test func runsIndependentNodesInParallelAndRespectsDependencies() async throws {
        var plan = Plan()
        let a = plan.add(.createNetwork("n"), cause: "missing")
        let b = plan.add(.createVolume("v"), cause: "missing")
        plan.add(.createContainer(service: "s", number: 1, name: "p-s-1"), after: [a, b], cause: "missing")
        let recorder = Recorder()
        try await Executor(actions: recorder).run(plan)
        #expect(await recorder.order.last == 3)
        #expect(await recorder.maxConcurrent == 2)
    }

    @Test func failureSkipsDependentsAndIsThrown() async throws {
        var plan = Plan()
        let a = plan.add(.createNetwork("n"), cause: "missing")
        plan.add(.createContainer(service: "s", number: 1, name: "p-s-1"), after: [a], cause: "missing")
        let recorder = Recorder(failing: 1)
        await #expect(throws: PlanError.self) { try await Executor(actions: recorder).run(plan) }
        #expect(await recorder.order == [1])
    }
}
