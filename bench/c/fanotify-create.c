/*
 * Which fanotify marks give directory-entry events (FAN_CREATE with FAN_REPORT_DFID_NAME) on the
 * given directories: an inode, a mount and a file system mark on each, then a symlink made in the
 * directory and the event read back (its name), or the mark's error.
 *   fanotify-create DIR...   (root)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <unistd.h>

static void try_mark(const char *dir, unsigned int flags, const char *what) {
  int fd = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME, O_RDONLY);
  if (fd < 0) {
    printf("fanotify_init: %s\n", strerror(errno));
    return;
  }
  if (fanotify_mark(fd, FAN_MARK_ADD | flags, FAN_CREATE | FAN_ONDIR | FAN_EVENT_ON_CHILD, AT_FDCWD, dir) != 0) {
    printf("%s mark on %s: %s\n", what, dir, strerror(errno));
    close(fd);
    return;
  }
  printf("%s mark on %s: ok\n", what, dir);
  char path[512];
  snprintf(path, sizeof path, "%s/fanotify-create-%d", dir, getpid());
  unlink(path);
  if (symlink("/etc/shadow", path) != 0) {
    printf("  symlink: %s\n", strerror(errno));
  }
  struct pollfd p = {fd, POLLIN, 0};
  char buf[4096];
  ssize_t len = poll(&p, 1, 500) > 0 ? read(fd, buf, sizeof buf) : 0;
  if (len > 0) {
    struct fanotify_event_metadata *m = (void *) buf;
    struct fanotify_event_info_fid *fid = (void *) (m + 1);
    struct file_handle *fh = (void *) fid->handle;
    printf("  event mask=%llx name=%s\n", (unsigned long long) m->mask, (char *) fh->f_handle + fh->handle_bytes);
  } else {
    printf("  no event\n");
  }
  unlink(path);
  close(fd);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    try_mark(argv[i], 0, "inode");
    try_mark(argv[i], FAN_MARK_MOUNT, "mount");
    try_mark(argv[i], FAN_MARK_FILESYSTEM, "filesystem");
  }
  return 0;
}
