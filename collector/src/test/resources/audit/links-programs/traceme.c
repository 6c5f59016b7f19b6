#include <stdio.h>
#include <sys/ptrace.h>
#include <unistd.h>
int main(){long r=ptrace(PTRACE_TRACEME,0,0,0);printf("traceme pid=%d r=%ld\n",getpid(),r);return 0;}
