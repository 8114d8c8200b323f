#define _GNU_SOURCE 1
#include "clinux.h"
#include <stdarg.h>
#include <sys/ioctl.h>
#include <string.h>

extern char **environ;

int clinux_open(const char *path, int flags, mode_t mode) { return open(path, flags, mode); }
int clinux_openat(int dirfd, const char *path, int flags, mode_t mode) { return openat(dirfd, path, flags, mode); }
int clinux_fcntl_int(int fd, int cmd, int arg) { return fcntl(fd, cmd, arg); }

int clinux_pidfd_open(pid_t pid, unsigned int flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }
int clinux_pidfd_send_signal(int pidfd, int sig, unsigned int flags) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, flags);
}
int clinux_pivot_root(const char *new_root, const char *put_old) { return (int)syscall(SYS_pivot_root, new_root, put_old); }
int clinux_close_range(unsigned int first, unsigned int last, unsigned int flags) {
    return (int)syscall(SYS_close_range, first, last, flags);
}
int clinux_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5) {
    return prctl(option, a2, a3, a4, a5);
}
int clinux_ioctl_int(int fd, unsigned long request, int arg) { return ioctl(fd, request, arg); }
int clinux_ioctl_ptr(int fd, unsigned long request, void *arg) { return ioctl(fd, request, arg); }
int clinux_fsopen(const char *fsname, unsigned int flags) { return (int)syscall(SYS_fsopen, fsname, flags); }
int clinux_fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux) {
    return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}
int clinux_fsmount(int fd, unsigned int flags, unsigned int attr_flags) {
    return (int)syscall(SYS_fsmount, fd, flags, attr_flags);
}
int clinux_move_mount(int from_dfd, const char *from_path, int to_dfd, const char *to_path, unsigned int flags) {
    return (int)syscall(SYS_move_mount, from_dfd, from_path, to_dfd, to_path, flags);
}
char **clinux_environ(void) { return environ; }

/* ---- Archive/Images (images branch) ---- */
int clinux_openat2_beneath(int dirfd, const char *path, int flags, mode_t mode) {
    struct open_how how = { .flags = (unsigned long long)flags,
                            .mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? (unsigned long long)mode : 0,
                            .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}
/* ---- end Archive/Images ---- */

/* ---- network helper: setns into a netns, splice, timerfd ---- */
int clinux_setns_net(int fd) { return setns(fd, CLONE_NEWNET); }
unsigned int clinux_splice_nonblock_move(void) { return SPLICE_F_NONBLOCK | SPLICE_F_MOVE; }
ssize_t clinux_splice(int fd_in, int fd_out, size_t len, unsigned int flags) {
    return splice(fd_in, NULL, fd_out, NULL, len, flags);
}
int clinux_timerfd_interval(int milliseconds) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (fd < 0) return -1;
    struct itimerspec spec = {
        .it_interval = { milliseconds / 1000, (long)(milliseconds % 1000) * 1000000 },
        .it_value = { milliseconds / 1000, (long)(milliseconds % 1000) * 1000000 },
    };
    if (timerfd_settime(fd, 0, &spec, NULL) < 0) { close(fd); return -1; }
    return fd;
}

#include <linux/sched.h>
#include <linux/capability.h>
#include <spawn.h>
#include <grp.h>
#include <pty.h>
#include <termios.h>
#include <sys/resource.h>
#include <sys/mman.h>

const short CLINUX_POSIX_SPAWN_SETSID = POSIX_SPAWN_SETSID;
const short CLINUX_POSIX_SPAWN_SETSIGMASK = POSIX_SPAWN_SETSIGMASK;
const short CLINUX_POSIX_SPAWN_SETSIGDEF = POSIX_SPAWN_SETSIGDEF;
const unsigned int CLINUX_MFD_CLOEXEC = MFD_CLOEXEC;
const unsigned int CLINUX_MFD_ALLOW_SEALING = MFD_ALLOW_SEALING;
const int CLINUX_F_ADD_SEALS = F_ADD_SEALS;
const int CLINUX_SEALS_ALL = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

struct clinux_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

pid_t clinux_clone3_run(uint64_t flags, int cgroup_fd, int *pidfd, int (*fn)(void *), void *arg) {
    struct clinux_clone_args args;
    memset(&args, 0, sizeof args);
    args.flags = flags;
    args.exit_signal = SIGCHLD;
    if (cgroup_fd >= 0) { args.flags |= CLONE_INTO_CGROUP; args.cgroup = (uint64_t)cgroup_fd; }
    if (pidfd != NULL) { args.flags |= CLONE_PIDFD; args.pidfd = (uint64_t)(uintptr_t)pidfd; }
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0) _exit(fn(arg));
    return (pid_t)pid;
}

pid_t clinux_fork_run(int (*fn)(void *), void *arg) {
    pid_t pid = fork();
    if (pid == 0) _exit(fn(arg));
    return pid;
}

int clinux_unshare(int flags) { return unshare(flags); }
int clinux_setns(int fd, int nstype) { return setns(fd, nstype); }
int clinux_sethostname(const char *name, size_t length) { return sethostname(name, length); }
int clinux_setdomainname(const char *name, size_t length) { return setdomainname(name, length); }
int clinux_setgroups(size_t count, const gid_t *groups) { return setgroups(count, groups); }
int clinux_setrlimit(int resource, uint64_t soft, uint64_t hard) {
    struct rlimit limit = { .rlim_cur = soft, .rlim_max = hard };
    return setrlimit(resource, &limit);
}

int clinux_capget(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable) {
    struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &header, data) != 0) return -1;
    *effective = (uint64_t)data[1].effective << 32 | data[0].effective;
    *permitted = (uint64_t)data[1].permitted << 32 | data[0].permitted;
    *inheritable = (uint64_t)data[1].inheritable << 32 | data[0].inheritable;
    return 0;
}

int clinux_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
    struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2] = {
        { (uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable },
        { (uint32_t)(effective >> 32), (uint32_t)(permitted >> 32), (uint32_t)(inheritable >> 32) },
    };
    return (int)syscall(SYS_capset, &header, data);
}

int clinux_signalfd(int fd, const sigset_t *mask, int flags) { return signalfd(fd, mask, flags); }
int clinux_timerfd_create(void) { return timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK); }
int clinux_timerfd_arm(int fd, int64_t initial_ns, int64_t interval_ns) {
    struct itimerspec spec = {
        .it_interval = { interval_ns / 1000000000, interval_ns % 1000000000 },
        .it_value = { initial_ns / 1000000000, initial_ns % 1000000000 },
    };
    return timerfd_settime(fd, 0, &spec, NULL);
}
int clinux_memfd_create(const char *name, unsigned int flags) { return memfd_create(name, flags); }

void clinux_reset_signals(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &action, NULL);
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
}

int clinux_interface_up(const char *name) {
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) return -1;
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    int result = ioctl(sock, SIOCGIFFLAGS, &request);
    if (result == 0) {
        request.ifr_flags |= IFF_UP;
        result = ioctl(sock, SIOCSIFFLAGS, &request);
    }
    int saved = errno;
    close(sock);
    errno = saved;
    return result;
}

int clinux_openpty(int *controller, int *terminal) { return openpty(controller, terminal, NULL, NULL, NULL); }
int clinux_set_controlling_terminal(int fd) { return ioctl(fd, TIOCSCTTY, 0); }

int clinux_send_fd(int sock, int fd) {
    char byte = 0;
    struct iovec vector = { .iov_base = &byte, .iov_len = 1 };
    union { struct cmsghdr header; char space[CMSG_SPACE(sizeof(int))]; } control;
    memset(&control, 0, sizeof control);
    struct msghdr message = { .msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.space,
                              .msg_controllen = sizeof control.space };
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &fd, sizeof(int));
    ssize_t sent;
    do { sent = sendmsg(sock, &message, MSG_NOSIGNAL); } while (sent < 0 && errno == EINTR);
    return sent < 0 ? -1 : 0;
}

int clinux_receive_fd(int sock) {
    char byte = 0;
    struct iovec vector = { .iov_base = &byte, .iov_len = 1 };
    union { struct cmsghdr header; char space[CMSG_SPACE(sizeof(int))]; } control;
    memset(&control, 0, sizeof control);
    struct msghdr message = { .msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.space,
                              .msg_controllen = sizeof control.space };
    ssize_t received;
    do { received = recvmsg(sock, &message, MSG_CMSG_CLOEXEC); } while (received < 0 && errno == EINTR);
    if (received < 0) return -1;
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    if (received == 0 || header == NULL || header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) {
        errno = ENODATA;
        return -1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(header), sizeof(int));
    return fd;
}

/* Linker-defined bounds of the executable's code (text is never written: dropping its pages loses nothing). */
extern char __executable_start;
extern char etext;

int clinux_release_code_pages(void) {
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = ((uintptr_t)&__executable_start + page - 1) & ~(page - 1);
    uintptr_t end = (uintptr_t)&etext & ~(page - 1);
    if (end <= start) return 0;
    if (madvise((void *)start, end - start, MADV_RANDOM) != 0) return -1;
    return madvise((void *)start, end - start, MADV_DONTNEED);
}

#include <linux/bpf.h>

int clinux_bpf_load_cgroup_device(const uint64_t *instructions, uint32_t count, char *log, uint32_t log_size) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)instructions;
    attr.insn_cnt = count;
    attr.license = (uint64_t)(uintptr_t)"Apache";
    attr.log_buf = (uint64_t)(uintptr_t)log;
    attr.log_size = log_size;
    attr.log_level = log_size > 0 ? 1 : 0;
    return (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
}

int clinux_bpf_attach_cgroup_device(int cgroup_fd, int program_fd) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)cgroup_fd;
    attr.attach_bpf_fd = (uint32_t)program_fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    return (int)syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof attr);
}

/* ---- mounts helper: resolve container mount targets inside the rootfs ---- */
int clinux_openat2_in_root(int dirfd, const char *path, int flags, mode_t mode) {
    struct open_how how = { .flags = (unsigned long long)flags,
                            .mode = (flags & O_CREAT) ? (unsigned long long)mode : 0,
                            .resolve = RESOLVE_IN_ROOT };
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}
int clinux_open_tree_clone(const char *path, int recursive) {
    return (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
}
int clinux_move_mount_onto(int from_fd, int to_fd) {
    return (int)syscall(SYS_move_mount, from_fd, "", to_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}
