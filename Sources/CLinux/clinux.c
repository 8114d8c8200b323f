#include "clinux.h"
#include <stdarg.h>
#include <sys/ioctl.h>

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
