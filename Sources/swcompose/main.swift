import CLI
import Glibc
import Supervisor

// Hidden modes run first and synchronously: the supervisor must stay single-threaded for its life,
// so nothing may start a Task or a Dispatch thread before this line.
if let status = HiddenMode.dispatch(CommandLine.arguments) {
    HiddenMode.exit(status)
}
// Not an async top level: that parks the main thread in dispatch_main, which leaves through pthread_exit, whose
// forced unwind first sorts every frame description of this static binary (17 ms of every command, measured).
// The command runs off the main actor and ends the process itself; the main thread only waits.
Task.detached { await SwcomposeCommand.main() }
while true { pause() }
