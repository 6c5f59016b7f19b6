/*
 * Sends UDP datagrams in whole Ethernet frames written by hand through an AF_PACKET socket, as a
 * container with NET_RAW (Docker's default) can: both the source MAC and the source IPv4 address
 * are whatever the caller says, e.g. a neighbour's.
 *   spoof_frame <if> <src mac> <src ip> <dst mac> <dst ip> <dst port> <count>
 * Built by NetworkFlowIT with `gcc -static`; the test image holds only this and busybox.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int mac(const char *text, unsigned char out[6]) {
  return sscanf(text, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &out[0], &out[1], &out[2], &out[3], &out[4], &out[5]) == 6;
}

static unsigned short checksum(const void *data, size_t len) {
  const unsigned short *p = data;
  unsigned long sum = 0;
  for (; len > 1; len -= 2) {
    sum += *p++;
  }
  while (sum >> 16) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return (unsigned short) ~sum;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s if src-mac src-ip dst-mac dst-ip dst-port count\n", argv[0]);
    return 2;
  }
  struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_halen = 6};
  to.sll_ifindex = (int) if_nametoindex(argv[1]);
  unsigned char frame[sizeof(struct ether_header) + sizeof(struct iphdr) + sizeof(struct udphdr) + 4];
  memset(frame, 0, sizeof frame);
  struct ether_header *eth = (struct ether_header *) frame;
  struct iphdr *ip = (struct iphdr *) (frame + sizeof(struct ether_header));
  struct udphdr *udp = (struct udphdr *) ((unsigned char *) ip + sizeof(struct iphdr));
  if (to.sll_ifindex == 0 || !mac(argv[2], eth->ether_shost) || !mac(argv[4], eth->ether_dhost)
      || inet_pton(AF_INET, argv[3], &ip->saddr) != 1 || inet_pton(AF_INET, argv[5], &ip->daddr) != 1) {
    fprintf(stderr, "bad interface, MAC or address\n");
    return 2;
  }
  memcpy(to.sll_addr, eth->ether_dhost, 6);
  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  eth->ether_type = htons(ETHERTYPE_IP);
  ip->version = 4;
  ip->ihl = 5;
  ip->ttl = 64;
  ip->protocol = IPPROTO_UDP;
  ip->tot_len = htons(sizeof frame - sizeof(struct ether_header));
  udp->dest = htons(atoi(argv[6]));
  udp->len = htons(sizeof(struct udphdr) + 4);
  memcpy((unsigned char *) udp + sizeof(struct udphdr), "frm\n", 4);
  int count = atoi(argv[7]);
  for (int i = 0; i < count; i++) {
    udp->source = htons(41000 + i); /* a new flow each time */
    ip->id = htons(i);
    ip->check = 0;
    ip->check = checksum(ip, sizeof(struct iphdr)); /* nobody fills it in for a packet socket */
    if (sendto(fd, frame, sizeof frame, 0, (struct sockaddr *) &to, sizeof to) < 0) {
      perror("sendto");
      return 1;
    }
    sleep(1);
  }
  return 0;
}
