/*
 * Sends UDP datagrams with a forged IPv4 source address through a raw socket, as a container
 * with NET_RAW (Docker's default) can: spoof_udp <src ip> <dst ip> <dst port> <count>.
 * The kernel writes the Ethernet header, so the frames carry the sender's own MAC.
 * Built by NetworkFlowIT with `gcc -static`; the test image holds only this and busybox.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s src dst port count\n", argv[0]);
    return 2;
  }
  int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  struct sockaddr_in to = {.sin_family = AF_INET};
  if (inet_pton(AF_INET, argv[2], &to.sin_addr) != 1) {
    fprintf(stderr, "bad dst\n");
    return 2;
  }
  int count = atoi(argv[4]);
  for (int i = 0; i < count; i++) {
    unsigned char pkt[sizeof(struct iphdr) + sizeof(struct udphdr) + 4];
    memset(pkt, 0, sizeof pkt);
    struct iphdr *ip = (struct iphdr *) pkt;
    struct udphdr *udp = (struct udphdr *) (pkt + sizeof(struct iphdr));
    ip->version = 4;
    ip->ihl = 5;
    ip->ttl = 64;
    ip->protocol = IPPROTO_UDP;
    ip->tot_len = htons(sizeof pkt); /* the kernel fills the id and the header checksum */
    if (inet_pton(AF_INET, argv[1], &ip->saddr) != 1) {
      fprintf(stderr, "bad src\n");
      return 2;
    }
    ip->daddr = to.sin_addr.s_addr;
    udp->source = htons(40000 + i);
    udp->dest = htons(atoi(argv[3]));
    udp->len = htons(sizeof(struct udphdr) + 4);
    udp->check = 0; /* no checksum: allowed for UDP over IPv4 */
    memcpy(pkt + sizeof(struct iphdr) + sizeof(struct udphdr), "spf\n", 4);
    if (sendto(fd, pkt, sizeof pkt, 0, (struct sockaddr *) &to, sizeof to) < 0) {
      perror("sendto");
      return 1;
    }
    sleep(1);
  }
  return 0;
}
