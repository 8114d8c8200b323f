// swift-tools-version:6.1
import PackageDescription

// Layers and allowed imports follow ../shared/ARCHITECTURE.md; a target lists only lower layers.
let package = Package(
    name: "swcompose",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "swcompose", targets: ["swcompose"]),
        .executable(name: "swcompose-bench", targets: ["swcompose-bench"]),
    ],
    targets: [
        // layer 0
        .systemLibrary(name: "CYaml", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "CLinux"),
        .target(name: "NetAddress"),
        // layer 1
        .target(name: "Linux", dependencies: ["CLinux"]),
        .target(name: "YAML", dependencies: ["CYaml"]),
        // layer 2
        .target(name: "Compose", dependencies: ["YAML", "NetAddress", "COpenSSL"]),
        .target(name: "Archive", dependencies: ["Linux", "CZlib", "COpenSSL"]),
        .target(name: "Netlink", dependencies: ["Linux", "NetAddress"]),
        .target(name: "Cgroups", dependencies: ["Linux"]),
        .target(name: "DNS", dependencies: ["Linux", "NetAddress"]),
        // layer 3
        .target(name: "Images", dependencies: ["Linux", "Archive", "COpenSSL"]),
        .target(name: "Network", dependencies: ["Linux", "Netlink", "DNS", "NetAddress"]),
        // layer 4
        .target(name: "Runtime", dependencies: ["Linux", "Cgroups", "Images"]),
        // layer 5
        .target(name: "Supervisor", dependencies: ["Runtime", "Network", "DNS", "Linux", "NetAddress"]),
        .target(name: "Builder", dependencies: ["Images", "Archive", "Linux"]),
        // layer 6
        .target(name: "Reconciler", dependencies: [
            "Compose", "YAML", "Images", "Runtime", "Network", "DNS", "Supervisor", "Builder", "Cgroups", "Linux", "NetAddress",
        ]),
        // layer 7
        .target(name: "CLI", dependencies: [
            "Reconciler", "Compose", "YAML", "Images", "Archive", "Runtime", "Network", "Supervisor", "Cgroups", "Linux",
        ]),
        // layer 8
        .executableTarget(name: "swcompose", dependencies: ["CLI", "Supervisor", "Linux"]),
        .executableTarget(name: "swcompose-bench", dependencies: ["CLI", "Compose", "DNS", "Network", "Linux"]),

        // Fast, unprivileged suites.
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(name: "ComposeTests", dependencies: ["Compose", "YAML"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NetAddressTests", dependencies: ["NetAddress"]),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "Linux"]),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink", "NetAddress"]),
        .testTarget(name: "DNSTests", dependencies: ["DNS", "NetAddress", "Linux"]),
        .testTarget(name: "CgroupsTests", dependencies: ["Cgroups", "Linux"]),
        .testTarget(name: "CLITests", dependencies: ["CLI"]),
        .testTarget(name: "BuilderTests", dependencies: ["Builder"]),
        .testTarget(name: "ReconcilerTests", dependencies: ["Reconciler", "Compose", "YAML"]),
        // Real-kernel suites (root): they set SWCOMPOSE_ROOT, use swc names and clean up.
        .testTarget(name: "LinuxTests", dependencies: ["Linux"]),
        .testTarget(name: "ImagesTests", dependencies: ["Images", "Archive", "Linux"]),
        .testTarget(name: "NetworkTests", dependencies: ["Network", "Netlink", "DNS", "NetAddress", "Linux"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Supervisor", "Images", "Cgroups", "Linux"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Linux"]),
    ],
    swiftLanguageModes: [.v6]
)
