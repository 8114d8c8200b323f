import Compose
import Images
import Linux
import Reconciler

/// `down --rmi`: `all` removes every service image, `local` only those without a custom tag (built ones).
enum ImageRemoval {
    static func remove(_ session: ProjectSession, local: Bool) throws {
        let store = ImageStore(root: session.runtime.root)
        let users = ContainerUsage(root: session.runtime.root)
        for service in session.project.services {
            guard let image = service.image ?? (service.build != nil ? "\(session.project.name)-\(service.name)" : nil) else { continue }
            if local && service.image != nil { continue }
            guard (try? store.inspect(image)) != nil else { continue }
            for line in try store.remove(image, usedBy: users.container(using:)) { Console.err(" Image \(line) Removed\n") }
        }
    }
}
