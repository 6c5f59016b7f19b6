# Records raw audit netlink messages from the multicast group AUDIT_NLGRP_READLOG: "<type> <text>" per line.
import socket, sys, time, select
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
s.bind((0, 1))
out = open(sys.argv[1], 'w')
deadline = time.time() + float(sys.argv[2])
while time.time() < deadline:
    r, _, _ = select.select([s], [], [], 0.2)
    if not r: continue
    data = s.recv(65536)
    off = 0
    while off + 16 <= len(data):
        ln = int.from_bytes(data[off:off+4], 'little'); typ = int.from_bytes(data[off+4:off+6], 'little')
        text = data[off+16:off+ln].rstrip(b'\0').decode('latin-1')
        out.write("%d %s\n" % (typ, text)); out.flush()
        off += (ln + 3) & ~3
        if ln < 16: break
