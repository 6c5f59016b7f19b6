/*
 * The kernel's floor for what Dockward reads of each new process at exec: the same /proc files
 * and links as ProcReader.read (stat, status, cmdline, cgroup, the exe link and its target's
 * ctime, 7 namespace links, the links of fds 0-2, and environ, read for a container's processes
 * only), read with plain syscalls from C, on processes
 * the reader has never looked at (their /proc entries are created by the first look, as for a
 * freshly exec'd process). Usage: proc-read-floor [PROCESSES] (default 2000, two rounds).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum kind { FILE_READ, LINK, TARGET_STAT };
struct item { const char *name; enum kind kind; double nanos; };

static struct item items[] = {
  {"stat", FILE_READ}, {"status", FILE_READ}, {"cmdline", FILE_READ}, {"cgroup", FILE_READ},
  {"environ", FILE_READ},
  {"exe", LINK}, {"exe", TARGET_STAT},
  {"ns/mnt", LINK}, {"ns/pid", LINK}, {"ns/net", LINK}, {"ns/uts", LINK}, {"ns/ipc", LINK},
  {"ns/user", LINK}, {"ns/cgroup", LINK},
  {"fd/0", LINK}, {"fd/1", LINK}, {"fd/2", LINK},
};
#define ITEMS (sizeof items / sizeof items[0])

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static void look(int pid, const struct item *it) {
  static char buf[65536];
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", pid, it->name);
  if (it->kind == FILE_READ) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    while (read(fd, buf, sizeof buf) > 0) {}
    close(fd);
  } else if (it->kind == LINK) {
    (void) readlink(path, buf, sizeof buf);
  } else {
    struct stat st;
    (void) stat(path, &st);
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  if (n <= 0) n = 2000;
  int *pids = calloc(n, sizeof *pids);
  int rounds = 2;
  for (int round = 0; round < rounds; round++) {
    for (int i = 0; i < n; i++) {
      pids[i] = fork();
      if (pids[i] == 0) {
        execl("/bin/sleep", "sleep", "30", (char *) NULL);
        _exit(127);
      }
    }
    usleep(300000);
    for (int i = 0; i < n; i++) {
      for (size_t k = 0; k < ITEMS; k++) {
        double t = now_ns();
        look(pids[i], &items[k]);
        items[k].nanos += now_ns() - t;
      }
    }
    for (int i = 0; i < n; i++) {
      kill(pids[i], SIGKILL);
      waitpid(pids[i], NULL, 0);
    }
  }
  double total = 0;
  printf("first read of %d new processes x %d rounds, per process:\n", n, rounds);
  for (size_t k = 0; k < ITEMS; k++) {
    double us = items[k].nanos / n / rounds / 1e3;
    total += us;
    printf("  %-22s %6.1f us\n", items[k].kind == TARGET_STAT ? "exe target (stat)" : items[k].name, us);
  }
  printf("  total                  %6.1f us = %.1f %% of one core per 1k execs/s (the reads alone)\n",
         total, total / 10.0);
  free(pids);
  return 0;
}
