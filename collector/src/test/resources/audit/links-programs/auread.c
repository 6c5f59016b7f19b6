#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
int main(){int s=socket(AF_NETLINK,SOCK_RAW,9);struct sockaddr_nl a={.nl_family=AF_NETLINK,.nl_groups=1};if(bind(s,(void*)&a,sizeof a)){perror("bind");return 1;}
setvbuf(stdout,0,_IONBF,0);static char buf[65536];for(;;){int n=recv(s,buf,sizeof buf,0);if(n<=0)break;struct nlmsghdr*h=(void*)buf;int len=h->nlmsg_len-NLMSG_HDRLEN;if(len>n-NLMSG_HDRLEN)len=n-NLMSG_HDRLEN;printf("type=%d %.*s\n",h->nlmsg_type,len,(char*)NLMSG_DATA(h));}}
