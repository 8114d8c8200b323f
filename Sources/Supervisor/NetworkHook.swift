import Glibc
import Linux

/// Called by the supervisor between clone and releasing the container to exec, with the container's PID 1
/// already in its cgroup and its (new) network namespace at /proc/<containerPid>/ns/net.
/// The lead fills this in from `spec.networkPayload`: veths with their peer created inside that netns,
/// the DNS listener on 127.0.0.11 and the published-port proxies, registered on `loop`.
/// Throwing aborts the start; the message reaches the CLI.
func prepareNetwork(spec: SupervisorSpec, containerPid: pid_t, loop: EventLoop) throws {
}
