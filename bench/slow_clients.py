#!/usr/bin/python3
"""Holds N connections open to an HTTP server for the HTTP benchmark (bench/api_submit.sh): half idle (connected,
nothing sent), half trickling (a request line, then one header line every PERIOD seconds, never finishing). A
connection the server closes (its header deadline) is opened again, so N stay open. Prints a line with the counts
every 5 s and when it ends (SIGTERM/SIGINT or DURATION seconds).

    /usr/bin/python3 bench/slow_clients.py HOST PORT [N=1000] [PERIOD=3] [DURATION=600]
"""
import selectors
import signal
import socket
import sys
import time

host, port = sys.argv[1], int(sys.argv[2])
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
period = float(sys.argv[4]) if len(sys.argv) > 4 else 3.0
duration = float(sys.argv[5]) if len(sys.argv) > 5 else 600.0
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
sel = selectors.DefaultSelector()
conns = {}  # socket -> trickling?
reopened = 0


def open_one(trickle):
    s = socket.create_connection((host, port))
    s.setblocking(False)
    if trickle:
        s.send(b"POST /api/v1/requests HTTP/1.1\r\nHost: bench\r\n")
    sel.register(s, selectors.EVENT_READ)
    conns[s] = trickle


for i in range(n):
    open_one(i % 2 == 1)
print(f"slow_clients: {len(conns)} connections open ({n // 2} idle, {n - n // 2} trickling every {period} s)", flush=True)
t0 = time.monotonic()
next_trickle = t0 + period
next_report = t0 + 5
line = 0
while running and time.monotonic() - t0 < duration:
    for key, _ in sel.select(timeout=0.2):
        s = key.fileobj
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if not data:  # closed by the server: open another of the same kind
            trickle = conns.pop(s)
            sel.unregister(s)
            s.close()
            reopened += 1
            try:
                open_one(trickle)
            except OSError:
                pass
    now = time.monotonic()
    if now >= next_trickle:
        line += 1
        for s, trickle in list(conns.items()):
            if trickle:
                try:
                    s.send(f"X-Slow-{line}: x\r\n".encode())
                except OSError:
                    pass
        next_trickle = now + period
    if now >= next_report:
        print(f"slow_clients: {len(conns)} open, {reopened} reopened after the server closed them", flush=True)
        next_report = now + 5
print(f"slow_clients: end, {len(conns)} open, {reopened} reopened after the server closed them", flush=True)
