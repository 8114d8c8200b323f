#ifndef CLINUX_H
#define CLINUX_H

/* Only what Swift's Glibc hides or cannot call (variadic, returns_twice, macros).
   Each helper is a one-line pass-through; the Linux module wraps them in typed Swift. */
/* No _GNU_SOURCE here: clang modules built with and without it disagree on struct layouts
   (fd_set), so GNU-only names are declared below or wrapped in clinux.c, which defines it. */
#include <sched.h>
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/prctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <sys/sysmacros.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/veth.h>
#include <net/if.h>
#include <linux/sched.h>
#include <linux/close_range.h>

/* GNU-only names Swift code uses, declared without _GNU_SOURCE (values and signatures as in glibc). */
#ifndef O_PATH
#define O_PATH 010000000
#endif
int pipe2(int pipefd[2], int flags);
int accept4(int fd, struct sockaddr *addr, socklen_t *length, int flags);
int setresuid(uid_t ruid, uid_t euid, uid_t suid);
int setresgid(gid_t rgid, gid_t egid, gid_t sgid);

/* errno is a macro in glibc. */
static inline int clinux_errno(void) { return errno; }
static inline void clinux_set_errno(int value) { errno = value; }

/* fcntl and open are variadic. */
int clinux_open(const char *path, int flags, mode_t mode);
int clinux_openat(int dirfd, const char *path, int flags, mode_t mode);
int clinux_fcntl_int(int fd, int cmd, int arg);

/* Raw syscalls without glibc wrappers (or variadic ones). */
int clinux_pidfd_open(pid_t pid, unsigned int flags);
int clinux_pidfd_send_signal(int pidfd, int sig, unsigned int flags);
int clinux_pivot_root(const char *new_root, const char *put_old);
int clinux_close_range(unsigned int first, unsigned int last, unsigned int flags);
int clinux_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5);
int clinux_ioctl_int(int fd, unsigned long request, int arg);
int clinux_ioctl_ptr(int fd, unsigned long request, void *arg);
int clinux_fsopen(const char *fsname, unsigned int flags);
int clinux_fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux);
int clinux_fsmount(int fd, unsigned int flags, unsigned int attr_flags);
int clinux_move_mount(int from_dfd, const char *from_path, int to_dfd, const char *to_path, unsigned int flags);

/* Process-global environ (a macro-ish extern Swift cannot name portably). */
char **clinux_environ(void);

/* Sigset helpers: sigemptyset/sigaddset are macros on some libcs. */
static inline void clinux_sigemptyset(sigset_t *set) { sigemptyset(set); }
static inline void clinux_sigfillset(sigset_t *set) { sigfillset(set); }
static inline void clinux_sigaddset(sigset_t *set, int sig) { sigaddset(set, sig); }

/* wait status macros. */
static inline int clinux_wifexited(int status) { return WIFEXITED(status); }
static inline int clinux_wexitstatus(int status) { return WEXITSTATUS(status); }
static inline int clinux_wifsignaled(int status) { return WIFSIGNALED(status); }
static inline int clinux_wtermsig(int status) { return WTERMSIG(status); }

static inline dev_t clinux_makedev(unsigned int major, unsigned int minor) { return makedev(major, minor); }
static inline unsigned int clinux_major(dev_t dev) { return major(dev); }
static inline unsigned int clinux_minor(dev_t dev) { return minor(dev); }

/* ---- Archive/Images (images branch): in-root path resolution for safe extraction. ---- */
#include <linux/openat2.h>
/* openat2 with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS: every step, symlinks included, must stay under dirfd. */
int clinux_openat2_beneath(int dirfd, const char *path, int flags, mode_t mode);
/* ---- end Archive/Images ---- */

/* ---- Runtime additions: clone3, namespaces, credentials, signals, timers, spawn, terminals. ---- */
/* Headers that differ under _GNU_SOURCE (resource, spawn, mman, pty) stay in clinux.c; constants come as externs. */

/* clone3 without a new stack: the child continues as after fork, runs fn(arg) and _exits with its result.
   cgroup_fd >= 0 adds CLONE_INTO_CGROUP (v2); pidfd (may be NULL) receives a pidfd via CLONE_PIDFD. */
pid_t clinux_clone3_run(uint64_t flags, int cgroup_fd, int *pidfd, int (*fn)(void *), void *arg);
/* fork that also returns twice; wrapped so Swift never calls a returns_twice function itself. */
pid_t clinux_fork_run(int (*fn)(void *), void *arg);
int clinux_unshare(int flags);
int clinux_setns(int fd, int nstype);
int clinux_sethostname(const char *name, size_t length);
int clinux_setdomainname(const char *name, size_t length);
int clinux_setgroups(size_t count, const gid_t *groups);
int clinux_setrlimit(int resource, uint64_t soft, uint64_t hard);
/* capget/capset with 64-bit masks (version 3 headers). */
int clinux_capget(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable);
int clinux_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable);
int clinux_signalfd(int fd, const sigset_t *mask, int flags);
int clinux_timerfd_create(void);
int clinux_timerfd_arm(int fd, int64_t initial_ns, int64_t interval_ns);
int clinux_memfd_create(const char *name, unsigned int flags);
/* Every signal back to its default disposition and an empty mask: a container must not inherit ours. */
void clinux_reset_signals(void);
/* SIOCGIFFLAGS/SIOCSIFFLAGS: bring an interface up in the calling process's netns. */
int clinux_interface_up(const char *name);
int clinux_openpty(int *controller, int *terminal);
int clinux_set_controlling_terminal(int fd);
extern const short CLINUX_POSIX_SPAWN_SETSID;
extern const short CLINUX_POSIX_SPAWN_SETSIGMASK;
extern const short CLINUX_POSIX_SPAWN_SETSIGDEF;
extern const unsigned int CLINUX_MFD_CLOEXEC;
extern const unsigned int CLINUX_MFD_ALLOW_SEALING;
extern const int CLINUX_F_ADD_SEALS;
extern const int CLINUX_SEALS_ALL;

/* ---- network helper (NetNamespace, NetSocket, PortProxy): setns into a netns, splice, timerfd ---- */
int clinux_setns_net(int fd);
ssize_t clinux_splice(int fd_in, int fd_out, size_t len, unsigned int flags);
unsigned int clinux_splice_nonblock_move(void);
int clinux_timerfd_interval(int milliseconds);

/* ---- attach (PID 1 on a pty): pass a descriptor over a unix socket; CMSG_* are macros Swift cannot import ---- */
int clinux_send_fd(int sock, int fd);
/* The received descriptor (close-on-exec), or -1 with errno; ENODATA when the message carried none. */
int clinux_receive_fd(int sock);

/* ---- supervisor memory: unmap the executable's code pages the process has touched so far, and map later ones
   one page at a time (no fault-around). The page cache keeps them; only this process's mappings go. ---- */
int clinux_release_code_pages(void);

/* ---- devices cgroup (DeviceFilter): cgroup-BPF device programs ---- */
/* BPF_PROG_LOAD of a BPF_PROG_TYPE_CGROUP_DEVICE program (`count` 8-byte instructions); the verifier's
   log goes to `log` when the load fails. Returns the program fd or -1. */
int clinux_bpf_load_cgroup_device(const uint64_t *instructions, uint32_t count, char *log, uint32_t log_size);
/* BPF_PROG_ATTACH as BPF_CGROUP_DEVICE with BPF_F_ALLOW_MULTI on a cgroup directory fd. */
int clinux_bpf_attach_cgroup_device(int cgroup_fd, int program_fd);

/* ---- mounts helper: resolve container mount targets inside the rootfs ---- */
/* openat2 with RESOLVE_IN_ROOT: dirfd acts as "/" for the path and every symlink on the way, ".." stops at it. */
int clinux_openat2_in_root(int dirfd, const char *path, int flags, mode_t mode);
/* open_tree(OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC, plus AT_RECURSIVE when asked): a detached copy of the mount at path. */
int clinux_open_tree_clone(const char *path, int recursive);
/* move_mount of a detached tree onto the file or directory behind to_fd (MOVE_MOUNT_F/T_EMPTY_PATH). */
int clinux_move_mount_onto(int from_fd, int to_fd);

#endif
