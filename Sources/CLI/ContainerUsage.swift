import Linux
import Supervisor

/// Which container uses an image: `image rm` refuses to remove it and names the container.
struct ContainerUsage {
    let root: StateRoot

    func container(using imageID: String) -> String? {
        let store = ContainerStore(root: root)
        return store.list().first { (try? store.config($0.id))?.imageID == imageID }?.name
    }
}
