/*
 * What one audit rule costs every task on the host: two loops timed with CLOCK_MONOTONIC.
 *   syscall-loop spawn N     fork + execve("/bin/true") + waitpid, N times (the rule's own syscall)
 *   syscall-loop openread N [FILE]  open(FILE, default /etc/hostname) + read + close + getppid, N
 *                            times (syscalls the rule does not ask for, which still pay the audit
 *                            entry/exit work; with FILE, what a fanotify mark on it costs an open)
 *   syscall-loop socket N    socket(AF_INET, SOCK_DGRAM) + close, N times (what a rule on socket
 *                            with a0=17 examines and lets go)
 *   syscall-loop dup N       dup2(0, 10) + close(10), N times (what a rule on dup2 with a1<=2
 *                            examines and lets go)
 * Prints the mean nanoseconds per iteration.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: syscall-loop spawn|openread N [FILE]\n");
    return 2;
  }
  long n = atol(argv[2]);
  char buf[256];
  double start = now_ns();
  if (strcmp(argv[1], "spawn") == 0) {
    char *args[] = {"/bin/true", NULL};
    char *env[] = {NULL};
    for (long i = 0; i < n; i++) {
      pid_t pid = fork();
      if (pid == 0) {
        execve("/bin/true", args, env);
        _exit(127);
      }
      int status;
      waitpid(pid, &status, 0);
    }
  } else if (strcmp(argv[1], "socket") == 0) {
    for (long i = 0; i < n; i++) {
      int s = socket(AF_INET, SOCK_DGRAM, 0);
      if (s < 0) return 1;
      close(s);
    }
  } else if (strcmp(argv[1], "dup") == 0) {
    for (long i = 0; i < n; i++) {
      if (dup2(0, 10) != 10) return 1;
      close(10);
    }
  } else {
    const char *file = argc > 3 ? argv[3] : "/etc/hostname";
    for (long i = 0; i < n; i++) {
      int fd = open(file, O_RDONLY);
      if (read(fd, buf, sizeof buf) < 0) return 1;
      close(fd);
      getppid();
    }
  }
  printf("%.1f\n", (now_ns() - start) / n);
  return 0;
}
