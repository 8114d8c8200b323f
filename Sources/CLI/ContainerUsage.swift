import Linux

/// Which container uses an image: `image rm` refuses to remove it and names the container.
struct ContainerUsage {
    let root: StateRoot

    func container(using imageID: String) -> String? { nil }
}
