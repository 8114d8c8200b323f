// NetlinkTests: suites land with the module they test.
