#!/usr/bin/env python3
"""The service callbacks' receiver for `scripts/bench --callbacks`: `receiver.py PORT_FILE RECORDS_FILE [WORKERS]`.

Listens on 127.0.0.1 (a free port, written to PORT_FILE once it listens), answers every POST 204, and notes for each
request its arrival time (epoch seconds, when the whole body was in), the notification id and status from its JSON body
and its Idempotency-Key. Connections are kept alive as HTTP/1.1 has it (the gateway reuses them): the answer carries
`Content-Length: 0`, and the connection is closed only after a request that says `Connection: close` or is not
HTTP/1.1, so several requests are served on one connection, also when more than one arrives in one read. The notes
are kept in memory and written to RECORDS_FILE as tab-separated lines on SIGTERM or SIGINT, so that writing them costs
the measured phase nothing; the workers' CPU seconds go to RECORDS_FILE.cpu. Standard library only; a protocol rather
than streams, since streams cost about twice the CPU per request.
"""

import asyncio
import json
import os
import resource
import signal
import socket
import sys
import time

ANSWER = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
ANSWER_AND_CLOSE = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
BAD = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
records = []


class Callback(asyncio.Protocol):
    __slots__ = ("transport", "buffer", "head_end", "length", "key", "close")

    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""
        self.head_end = -1

    def data_received(self, data):
        self.buffer += data
        # One read can hold the end of one request and the next, or several whole ones.
        while self.transport is not None and self.request():
            pass

    def request(self):
        """Answers the request at the start of the buffer if it has arrived whole; says whether it did."""
        if self.head_end < 0:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return False
            self.head_end = end + 4
            self.length = 0
            self.key = ""
            lines = self.buffer[:end].split(b"\r\n")
            # HTTP/1.1 keeps the connection unless the client says close; anything older closes it.
            self.close = not lines[0].rstrip().endswith(b"HTTP/1.1")
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    self.length = int(value.strip())
                elif name == b"idempotency-key":
                    self.key = value.strip().decode("ascii", "replace")
                elif name == b"connection":
                    value = value.strip().lower()
                    if b"close" in value:
                        self.close = True
                    elif b"keep-alive" in value:
                        self.close = False
        if len(self.buffer) - self.head_end < self.length:
            return False
        arrived = time.time()
        body = self.buffer[self.head_end:self.head_end + self.length]
        self.buffer = self.buffer[self.head_end + self.length:]
        self.head_end = -1
        try:
            payload = json.loads(body)
            notification = payload.get("id") or ""
            status = payload.get("status") or ""
        except ValueError:
            self.transport.write(BAD)
            self.transport.close()
            self.transport = None
            return False
        records.append((arrived, notification, status, self.key))
        if self.close:
            self.transport.write(ANSWER_AND_CLOSE)
            self.transport.close()
            self.transport = None
            return False
        self.transport.write(ANSWER)
        return True

    def connection_lost(self, exc):
        self.transport = None


async def serve(sock, records_file):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Callback, sock=sock, backlog=4096)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    await stop
    server.close()
    with open(records_file, "w") as out:
        for arrived, notification, status, key in records:
            out.write(f"{arrived:.6f}\t{notification}\t{status}\t{key}\n")


def main(port_file, records_file, workers):
    # One listening socket shared by forked workers, each with its own event loop: one Python process is a
    # single core's worth of requests, and the kernel hands each connection to whichever worker accepts first.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4096)
    sock.setblocking(False)
    children = []
    for index in range(workers):
        pid = os.fork()
        if pid == 0:
            asyncio.run(serve(sock, f"{records_file}.{index}"))
            os._exit(0)
        children.append(pid)
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    with open(port_file + ".tmp", "w") as out:
        out.write(f"{sock.getsockname()[1]}\n")
    os.rename(port_file + ".tmp", port_file)
    while not stopping:
        signal.pause()
    for pid in children:
        os.kill(pid, signal.SIGTERM)
    for pid in children:
        os.waitpid(pid, 0)
    with open(records_file, "w") as out:
        for index in range(workers):
            with open(f"{records_file}.{index}") as part:
                out.write(part.read())
            os.remove(f"{records_file}.{index}")
    # The CPU the workers used, so that the benchmark can tell whether the receiver kept up.
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(records_file + ".cpu", "w") as out:
        out.write(f"{used.ru_utime + used.ru_stime:.3f}\n")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: receiver.py PORT_FILE RECORDS_FILE [WORKERS]")
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else 2)
