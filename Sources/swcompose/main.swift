import CLI
import Supervisor

// Hidden modes run first and synchronously: the supervisor must stay single-threaded for its life,
// so nothing may start a Task or a Dispatch thread before this line.
if let status = HiddenMode.dispatch(CommandLine.arguments) {
    HiddenMode.exit(status)
}
await SwcomposeCommand.main()
