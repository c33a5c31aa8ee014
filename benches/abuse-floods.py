#!/usr/bin/env python3
"""Issue 15's floods at full scale against an `xmtp-node` binary (not run in CI).

Starts the binary (default: target/release/xmtp-node, else target/debug/xmtp-node; or $NODE)
on a fresh SQLite file with --no-auth --no-rate-limits, then, one at a time, while an honest
client goes publish + query round trips over the gateway from 127.0.0.2:

  subscribe-3.9M  an HTTP Subscribe of 3.9 million topics (a 54.6 MB JSON body), once with its
                  Content-Length and once chunked
  query-150x1MB   150 envelopes of 1 MB on one topic, then a Query of limit 100, a BatchQuery of
                  6 such sub-queries, and 8 clients that ask for the page and never read it
                  (--write-timeout 5s here, 30 s by default)
  half-open-1100  1,100 connections (550 per listener) that send half a request line and stop
                  (--header-timeout 10s, the default), from four source addresses

For each: what the attacker got, how long it took, the node's peak RSS growth (VmHWM) and
RssAnon after, its open descriptors, and the honest client's worst round trip. Prints a
Markdown table. Python 3 standard library only.

    cargo build --release -p xmtp-node && benches/abuse-floods.py
"""

import base64
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def binary():
    if os.environ.get("NODE"):
        return os.environ["NODE"]
    for profile in ("release", "debug"):
        path = os.path.join(ROOT, "target", profile, "xmtp-node")
        if os.path.exists(path):
            return path
    sys.exit("no xmtp-node binary: cargo build --release -p xmtp-node")


class Node:
    def __init__(self, path, extra):
        self.dir = tempfile.TemporaryDirectory()
        args = [path, "--db", os.path.join(self.dir.name, "node.db"), "--http", "127.0.0.1:0",
                "--grpc", "127.0.0.1:0", "--no-auth", "--no-rate-limits", *extra]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env={**os.environ, "RUST_LOG": "warn"})
        line = self.proc.stdout.readline().decode()
        if not line.startswith("listening http="):
            sys.exit(f"node did not start: {line!r}")
        http, grpc = line.strip()[len("listening http="):].split(" grpc=")
        self.http = parse_addr(http)
        self.grpc = parse_addr(grpc)

    def status_kib(self, field):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise KeyError(field)

    def fds(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.dir.cleanup()


def parse_addr(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def request(addr, method, path, body=b"", source="127.0.0.1", timeout=120):
    conn = http.client.HTTPConnection(*addr, timeout=timeout, source_address=(source, 0))
    conn.request(method, path, body=body, headers={"content-type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


class Honest(threading.Thread):
    """Publish + query round trips from 127.0.0.2 until stopped; keeps the worst."""

    def __init__(self, node):
        super().__init__(daemon=True)
        self.node, self.worst, self.trips, self.failures = node, 0.0, 0, 0
        self.stopping = threading.Event()

    def run(self):
        n = 0
        while not self.stopping.is_set():
            n += 1
            topic = f"/xmtp/0/m-honest{n}/proto"
            started = time.monotonic()
            try:
                publish = {"envelopes": [{"contentTopic": topic, "timestampNs": "1",
                                          "message": base64.b64encode(b"honest").decode()}]}
                status, _ = request(self.node.http, "POST", "/message/v1/publish",
                                    json.dumps(publish).encode(), "127.0.0.2")
                status2, page = request(self.node.http, "POST", "/message/v1/query",
                                        json.dumps({"contentTopics": [topic]}).encode(),
                                        "127.0.0.2")
                ok = status == 200 and status2 == 200 and len(json.loads(page)["envelopes"]) == 1
            except OSError:
                ok = False
            self.failures += 0 if ok else 1
            self.worst = max(self.worst, time.monotonic() - started)
            self.trips += 1

    def stop(self):
        self.stopping.set()
        self.join()


def measured(node, name, attack):
    honest = Honest(node)
    peak_before = node.status_kib("VmHWM")
    anon_before = node.status_kib("RssAnon")
    honest.start()
    started = time.monotonic()
    outcome = attack()
    took = time.monotonic() - started
    honest.stop()
    return {
        "case": name,
        "outcome": outcome,
        "took": f"{took:.2f} s",
        "peak": f"+{(node.status_kib('VmHWM') - peak_before) // 1024} MiB",
        "anon": f"{anon_before // 1024} -> {node.status_kib('RssAnon') // 1024} MiB",
        "fds": node.fds(),
        "honest": f"worst {honest.worst * 1000:.0f} ms over {honest.trips} "
                  f"({honest.failures} failed)",
    }


def subscribe_topics(node):
    topics = ",".join(f'"/t/{i:08d}"' for i in range(3_900_000))
    body = ('{"contentTopics":[' + topics + "]}").encode()
    head = b"POST /message/v1/subscribe HTTP/1.1\r\nHost: x\r\n"
    pieces = [body[at:at + (1 << 20)] for at in range(0, len(body), 1 << 20)]
    declared, sent_declared = raw_post(node, head + b"Content-Length: %d\r\n\r\n" % len(body),
                                       pieces)
    # Chunked: the node reads up to the limit, then refuses.
    chunks = [b"%x\r\n" % len(piece) + piece + b"\r\n" for piece in pieces] + [b"0\r\n\r\n"]
    chunked, sent_chunked = raw_post(node, head + b"Transfer-Encoding: chunked\r\n\r\n", chunks)
    return (f"{len(body) / 1e6:.1f} MB body with its Content-Length: `{declared}` after "
            f"{sent_declared / 1e6:.1f} MB written; chunked: `{chunked}` after "
            f"{sent_chunked / 1e6:.1f} MB written")


def raw_post(node, head, chunks):
    """Writes `head` then `chunks` until the node stops taking them; its status line, and how
    many bytes of body were written (most of them into socket buffers)."""
    conn = socket.create_connection(node.http)
    conn.sendall(head)
    sent = 0
    try:
        for chunk in chunks:
            conn.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass
    conn.settimeout(30)
    try:
        reply = conn.recv(64).split(b"\r\n")[0].decode(errors="replace")
    except OSError as e:
        reply = f"({e})"
    conn.close()
    return reply, sent


def http_queries(node):
    _, text = request(node.http, "GET", "/metrics", source="127.0.0.5")
    prefix = 'xmtp_node_api_requests_total{transport="http",method="Query",'
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.decode().splitlines()
               if line.startswith(prefix))


def big_query(node):
    topic = "/xmtp/0/m-big/proto"
    payload = base64.b64encode(os.urandom(1_000_000)).decode()
    for ts in range(1, 151):
        publish = {"envelopes": [{"contentTopic": topic, "timestampNs": str(ts),
                                  "message": payload}]}
        status, _ = request(node.http, "POST", "/message/v1/publish",
                            json.dumps(publish).encode())
        assert status == 200, status
    query = json.dumps({"contentTopics": [topic], "pagingInfo": {"limit": 100}}).encode()
    status, page = request(node.http, "POST", "/message/v1/query", query)
    page = json.loads(page)
    one = (f"page: {len(page['envelopes'])} envelopes, {len(json.dumps(page)) / 1e6:.1f} MB, "
           f"cursor {'yes' if page['pagingInfo'].get('cursor') else 'no'}")
    batch = json.dumps({"requests": [json.loads(query)] * 6}).encode()
    status, data = request(node.http, "POST", "/message/v1/batch-query", batch)
    two = f"batch of 6: {status}, {len(data) / 1e6:.1f} MB"
    answered = http_queries(node)
    stalled = []
    for _ in range(8):
        conn = socket.create_connection(node.http)
        conn.sendall(b"POST /message/v1/query HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
                     % len(query) + query)
        stalled.append(conn)
    # Wait on the node's own count of answered queries, not on a guess.
    while http_queries(node) < answered + 8:
        time.sleep(0.01)
    held = node.status_kib("RssAnon") // 1024
    status, _ = request(node.http, "POST", "/message/v1/query", query)
    refused = status
    # Dropped by the write timeout: each socket is closed by the node.
    started = time.monotonic()
    for conn in stalled:
        conn.settimeout(60)
        try:
            while conn.recv(1 << 20):
                pass
        except OSError:
            pass
        conn.close()
    drained = time.monotonic() - started
    return (f"{one}; {two}; 8 non-readers: RssAnon {held} MiB while held, same address "
            f"{refused}, all read to the node's close in {drained:.1f} s")


def half_open(node):
    conns = []
    for i in range(1100):
        addr = node.http if i % 2 == 0 else node.grpc
        # Four source addresses, so that the per-address cap (512) is not what closes them.
        conn = socket.create_connection(addr, source_address=(f"127.0.1.{i % 4 + 1}", 0))
        conn.sendall(b"POST /message/v1/qu")
        conns.append(conn)
    fds = node.fds()
    started = time.monotonic()
    status, _ = request(node.http, "GET", "/healthz", source="127.0.0.2")
    answered = time.monotonic() - started
    closed = 0
    for conn in conns:
        conn.settimeout(60)
        try:
            while conn.recv(4096):
                pass
            closed += 1
        except OSError:
            closed += 1
        conn.close()
    return (f"node fds {fds} while open; healthz {status} in {answered * 1000:.0f} ms; "
            f"{closed}/1100 closed by the node after {time.monotonic() - started:.1f} s")


def main():
    path = binary()
    print(f"binary: {path}; load: {os.getloadavg()}", file=sys.stderr)
    rows = []
    for name, attack, extra in [
        ("subscribe-3.9M", subscribe_topics, []),
        ("query-150x1MB", big_query, ["--write-timeout", "5s"]),
        ("half-open-1100", half_open, []),
    ]:
        node = Node(path, extra)
        try:
            rows.append(measured(node, name, lambda: attack(node)))
        finally:
            node.stop()
        print(rows[-1], file=sys.stderr)
    print("| Case | Outcome | Took | Peak RSS (VmHWM) | RssAnon before -> after | fds after | Honest client |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['case']} | {r['outcome']} | {r['took']} | {r['peak']} | {r['anon']} | "
              f"{r['fds']} | {r['honest']} |")


if __name__ == "__main__":
    main()
