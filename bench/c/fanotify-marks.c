/*
 * What a FAN_OPEN inode mark hears on overlayfs, the storage of Docker's overlay2 driver: an
 * overlay of a lower and an upper directory is mounted in a temporary directory, and the file
 * merged/etc/shadow (from the lower layer) is marked through the merged path, as the agent marks a
 * container's copy through /proc/<pid>/root. Then the file is opened
 *   1. through the merged path (as a container process does),
 *   2. through a second overlay of the same lower directory (a second container of the same image),
 *   3. through the lower directory itself (the image layer on the host),
 *   4. through the merged path again after a write copied it up to the upper directory,
 * and every event is printed with the mount id of its descriptor. Then the same with the mark set
 * on the lower file. Needs root. Usage: fanotify-marks DIR
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[512];

static void path(char *out, const char *rel) { snprintf(out, 1024, "%s/%s", base, rel); }

static void touch(const char *rel, const char *text) {
  char p[1024];
  path(p, rel);
  FILE *f = fopen(p, "w");
  if (!f) { perror(p); exit(1); }
  fputs(text, f);
  fclose(f);
}

static int mnt_id(int fd) {
  char p[64], line[256];
  snprintf(p, sizeof p, "/proc/self/fdinfo/%d", fd);
  FILE *f = fopen(p, "r");
  int id = -1;
  while (f && fgets(line, sizeof line, f)) sscanf(line, "mnt_id: %d", &id);
  if (f) fclose(f);
  return id;
}

/* Prints the events waiting on the group; returns how many. */
static int drain(int group, const char *what) {
  char buf[4096];
  int n = 0;
  struct pollfd p = {group, POLLIN, 0};
  while (poll(&p, 1, 200) > 0) {
    ssize_t len = read(group, buf, sizeof buf);
    if (len <= 0) break;
    for (struct fanotify_event_metadata *m = (void *)buf; FAN_EVENT_OK(m, len); m = FAN_EVENT_NEXT(m, len)) {
      char link[64], target[1024] = "";
      snprintf(link, sizeof link, "/proc/self/fd/%d", m->fd);
      ssize_t t = readlink(link, target, sizeof target - 1);
      if (t > 0) target[t] = 0;
      struct stat st;
      fstat(m->fd, &st);
      printf("  %-44s event mask 0x%llx, fd names %s (dev %lu ino %lu), mnt_id %d\n", what,
          (unsigned long long)m->mask, target, (unsigned long)st.st_dev, (unsigned long)st.st_ino, mnt_id(m->fd));
      close(m->fd);
      n++;
    }
  }
  if (n == 0) printf("  %-44s no event\n", what);
  return n;
}

static void open_close(const char *rel, int flags) {
  char p[1024];
  path(p, rel);
  int fd = open(p, flags);
  if (fd < 0) { perror(p); return; }
  if (flags != O_RDONLY && write(fd, "x", 1) < 0) perror("write");
  close(fd);
}

static void overlay(const char *merged, const char *upper, const char *work) {
  char m[1024], opts[4096], l[1024], u[1024], w[1024];
  path(m, merged); path(l, "lower"); path(u, upper); path(w, work);
  snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", l, u, w);
  if (mount("overlay", m, "overlay", 0, opts) != 0) { perror("mount overlay"); exit(1); }
}

static void run(const char *markRel) {
  char mark[1024];
  int group = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | O_LARGEFILE);
  if (group < 0) { perror("fanotify_init"); exit(1); }
  path(mark, markRel);
  if (fanotify_mark(group, FAN_MARK_ADD | FAN_MARK_DONT_FOLLOW, FAN_OPEN, AT_FDCWD, mark) != 0) {
    perror("fanotify_mark"); exit(1);
  }
  printf("inode mark on %s\n", markRel);
  open_close("a/etc/shadow", O_RDONLY);
  drain(group, "read through overlay a (marked container)");
  open_close("b/etc/shadow", O_RDONLY);
  drain(group, "read through overlay b (same image)");
  open_close("lower/etc/shadow", O_RDONLY);
  drain(group, "read of the lower layer's file");
  open_close("a/etc/shadow", O_WRONLY | O_APPEND);
  drain(group, "write through a (copies it up)");
  open_close("a/etc/shadow", O_RDONLY);
  drain(group, "read through a after the copy-up");
  close(group);
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: fanotify-marks DIR\n"); return 2; }
  snprintf(base, sizeof base, "%s", argv[1]);
  const char *dirs[] = {"lower", "lower/etc", "ua", "wa", "ub", "wb", "a", "b"};
  for (unsigned i = 0; i < sizeof dirs / sizeof *dirs; i++) {
    char p[1024];
    path(p, dirs[i]);
    mkdir(p, 0755);
  }
  touch("lower/etc/shadow", "root:*:20000::::::\n");
  for (int round = 0; round < 2; round++) {
    overlay("a", "ua", "wa");
    overlay("b", "ub", "wb");
    run(round == 0 ? "a/etc/shadow" : "lower/etc/shadow");
    char a[1024], b[1024], ua[1024];
    path(a, "a"); path(b, "b"); path(ua, "ua/etc/shadow");
    umount(a); umount(b);
    unlink(ua); /* undo the copy-up for the next round */
    printf("\n");
  }
  return 0;
}
