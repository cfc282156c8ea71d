#!/usr/bin/python3
"""One nation flooding `vantage serve` with submissions for the HTTP benchmark (bench/api_submit.sh): CONNS
keep-alive connections, each keeping DEPTH POST /api/v1/requests pipelined (a new one sent as each answer
arrives), as fast as one Python process can, until SIGTERM/SIGINT or DURATION seconds. Under a per-nation
limiter the nation gets its rate (and burst) of 201s and 429s for the rest. A connection the server closes is
opened again. Prints a line at its first 429 (its burst is spent: bench/api_submit.sh waits for it before
measuring), the same counts so far on SIGUSR1 (a line "FLOOD_MARK ..."), and at the end one line:

    FLOOD sent S answered A s D 201 N 429 M retry_after R other O reconnects C [(STATUS: COUNT, ...)]

(A: answers read; S - A were in flight at the end; D: seconds it ran; R: 429s that carried a Retry-After
header; O: answers of any other status, counted by status in parentheses.)

    /usr/bin/python3 bench/flood_nation.py HOST PORT TOKEN [CONNS=64] [DEPTH=8] [DURATION=600]
"""
import re
import selectors
import signal
import socket
import sys
import time

host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conns_n = int(sys.argv[4]) if len(sys.argv) > 4 else 64
depth = int(sys.argv[5]) if len(sys.argv) > 5 else 8
duration = float(sys.argv[6]) if len(sys.argv) > 6 else 600.0
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
mark_asked = False


def mark(*_):
    global mark_asked
    mark_asked = True


signal.signal(signal.SIGUSR1, mark)

# bench/api_submit.lua's body with another target (the window is open under the benchmark's simulation clock).
body = (b'{"target": {"lat_deg": 48.8566, "lon_deg": 2.3522}, "window_start_utc": "2025-10-03T00:00:00Z", '
        b'"window_end_utc": "2025-10-04T00:00:00Z", "priority": 6, "sensor": "optical"}')
request = (b"POST /api/v1/requests HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " + token.encode()
           + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
content_length = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.I)
retry_after = re.compile(rb"\r\nretry-after:", re.I)

sel = selectors.DefaultSelector()
state = {}  # socket -> [buffer, requests in flight]
sent = answered = ok = limited = with_retry = reconnects = 0
other = {}


def open_one():
    global sent
    s = socket.create_connection((host, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(request * depth)  # a few hundred bytes each: fits the socket buffer
    sent += depth
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
    state[s] = [b"", depth]


def drop(s):
    sel.unregister(s)
    s.close()
    del state[s]


def report(label):
    others = sum(other.values())
    detail = " (" + ", ".join(f"{k}: {v}" for k, v in sorted(other.items())) + ")" if other else ""
    print(f"{label} sent {sent} answered {answered} s {time.monotonic() - t0:.2f} 201 {ok} 429 {limited} "
          f"retry_after {with_retry} other {others} reconnects {reconnects}{detail}", flush=True)


for _ in range(conns_n):
    open_one()
t0 = time.monotonic()
while running and time.monotonic() - t0 < duration:
    if mark_asked:
        report("FLOOD_MARK")
        mark_asked = False
    for key, _ in sel.select(timeout=0.2):
        s = key.fileobj
        st = state[s]
        try:
            data = s.recv(65536)
        except BlockingIOError:
            continue
        except OSError:
            data = b""
        if not data:  # closed by the server: open another
            drop(s)
            reconnects += 1
            if running:
                try:
                    open_one()
                except OSError:
                    pass
            continue
        buf = st[0] + data
        answers = 0
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buf[:end]
            m = content_length.search(head)
            total = end + 4 + (int(m.group(1)) if m else 0)
            if len(buf) < total:
                break
            status = int(head[9:12])
            if status == 201:
                ok += 1
            elif status == 429:
                if not limited:
                    print(f"flood: first 429 after {time.monotonic() - t0:.2f} s ({ok} answered 201 before)",
                          flush=True)
                limited += 1
                if retry_after.search(head):
                    with_retry += 1
            else:
                other[status] = other.get(status, 0) + 1
            answers += 1
            buf = buf[total:]
        st[0] = buf
        if answers:
            answered += answers
            st[1] -= answers
            if running:
                try:
                    out = request * answers
                    n = s.send(out)
                    if n < len(out):  # the socket buffer is full (not seen): finish the write blocking
                        s.setblocking(True)
                        s.sendall(out[n:])
                        s.setblocking(False)
                    sent += answers
                    st[1] += answers
                except OSError:
                    pass
report("FLOOD")
