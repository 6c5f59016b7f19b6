#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
int main(int c,char**v){int r1=symlink("/etc/shadow","/tmp/s1");int r2=symlinkat("../etc/passwd",AT_FDCWD,"s2");int r3=link("/etc/shadow","/tmp/h1");int r4=linkat(AT_FDCWD,"/etc/passwd",AT_FDCWD,"/tmp/h2",0);printf("%d %d %d %d\n",r1,r2,r3,r4);return 0;}
