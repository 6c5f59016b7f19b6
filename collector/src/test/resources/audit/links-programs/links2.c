#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
int main(){int d=open("/tmp",O_RDONLY|O_DIRECTORY);int r1=link("/etc/shadow","/tmp/h1");int r2=linkat(AT_FDCWD,"../etc/shadow",d,"h2",0);int r3=symlinkat("/etc/shadow",d,"s3");printf("%d %d %d\n",r1,r2,r3);return 0;}
