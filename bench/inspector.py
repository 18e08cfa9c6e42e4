#!/usr/bin/env python3
"""The inspector's figures: the listener with a page open on the live stream against without one, and the first
page of the list and a full-text search with 100 000 stored events.

    python3 bench/inspector.py HOOKCTL [--duration 10] [--runs 3]

Needs wrk. Run by bench/run.sh (section 7), or alone. Each throughput run is wrk -c32 on a fresh store, the two
cases alternating so drift hits both; the page is a client that reads /api/live as a browser does. The store of
100 000 events is imported from JSON lines (each body distinct, with a word of its own to search for), then
`hookctl ui` serves it and each query is timed over HTTP, as a page asks it. Prints one line per figure.
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SECRET = "bench-secret"
HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on {port}")


def signed_event(hookctl, work):
    out = subprocess.run([hookctl, "sign", "payvost", "--event", "payment.succeeded", "--json"],
                         env={**os.environ, "HOOKCTL_SECRET": SECRET}, capture_output=True, check=True, text=True).stdout
    request = json.loads(out)
    body = os.path.join(work, "body.json")
    with open(body, "w") as file:
        file.write(request["body"])
    return body, dict(request["headers"])["Payvost-Signature"]


def reader(address, stop, seen):
    """A page on the live stream: reads every event as it comes."""
    sock = socket.create_connection(address)
    sock.sendall(f"GET /api/live HTTP/1.1\r\nHost: {address[0]}:{address[1]}\r\n\r\n".encode())
    sock.settimeout(0.5)
    while not stop.is_set():
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        if not data:
            break
        seen[0] += data.count(b"event: event")
    sock.close()


def listen_run(hookctl, work, duration, body, signature, page):
    port = free_port()
    store = os.path.join(work, "listen.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(store + suffix):
            os.remove(store + suffix)
    ui_args = ["--ui", "0"] if page else ["--no-ui"]
    child = subprocess.Popen([hookctl, "listen", "--port", str(port), "--store", store, "--json", *ui_args],
                             env={**os.environ, "HOOKCTL_SECRET": SECRET}, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    ui = None
    while page and ui is None:
        line = child.stderr.readline()
        found = re.search(r"inspector: http://(127\.0\.0\.1):(\d+)/", line)
        if found:
            ui = (found.group(1), int(found.group(2)))
    wait_port(port)
    stop, seen = threading.Event(), [0]
    thread = None
    if page:
        thread = threading.Thread(target=reader, args=(ui, stop, seen), daemon=True)
        thread.start()
        time.sleep(0.2)
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{duration}s", "-s", os.path.join(HERE, "post.lua"),
                          f"http://127.0.0.1:{port}/webhooks/payvost"],
                         env={**os.environ, "BODY_FILE": body, "SIGNATURE": signature},
                         capture_output=True, text=True).stdout
    time.sleep(0.3)
    stop.set()
    if thread:
        thread.join()
    child.terminate()
    child.wait()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, seen[0]


def store_of(hookctl, work, count):
    store = os.path.join(work, f"inspector-{count}.db")
    if os.path.exists(store):
        return store
    lines = os.path.join(work, f"inspector-{count}.jsonl")
    with open(lines, "w") as out:
        for i in range(count):
            event = {"id": f"evt_ui{i:06d}", "type": "payment.succeeded", "createdAt": "2026-01-01T00:00:00Z",
                     "data": {"id": f"pay_{i:06d}", "amount": f"{i % 997}.00", "currency": "USD",
                              "note": f"order w{i:06d}x for customer {i % 5000}"}}
            request = {"method": "POST", "target": "/webhooks/payvost",
                       "headers": [["content-type", "application/json"], ["x-request-id", f"req-{i}"]],
                       "body": json.dumps(event, separators=(",", ":"))}
            out.write(json.dumps(request) + "\n")
    subprocess.run([hookctl, "events", "import", lines, "--store", store], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return store


def timed(address, path, times):
    samples = []
    for _ in range(times):
        connection = http.client.HTTPConnection(*address)
        start = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, body
    return statistics.median(samples), json.loads(body)


def queries(hookctl, work, count, times):
    store = store_of(hookctl, work, count)
    child = subprocess.Popen([hookctl, "ui", "--ui", "0", "--store", store], env=dict(os.environ),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    address = None
    while address is None:
        found = re.search(r"inspector on http://(127\.0\.0\.1):(\d+)/", child.stderr.readline())
        if found:
            address = (found.group(1), int(found.group(2)))
    first, page = timed(address, "/api/events?limit=100", times)
    assert len(page["events"]) == 100
    word, found = timed(address, "/api/events?limit=100&q=w042424x", times)
    assert [e["event_id"] for e in found["events"]] == ["evt_ui042424"], found
    common, _ = timed(address, "/api/events?limit=100&q=customer", times)
    filtered, _ = timed(address, "/api/events?limit=100&type=payment.*&verdict=passed", times)
    deep, _ = timed(address, f"/api/events?limit=100&before={count // 2}", times)
    child.terminate()
    child.wait()
    return first, word, common, filtered, deep


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("hookctl")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="hookctl-bench-ui-")
    os.makedirs(work, exist_ok=True)
    body, signature = signed_event(args.hookctl, work)
    without, with_page, delivered = [], [], []
    for _ in range(args.runs):
        without.append(listen_run(args.hookctl, work, args.duration, body, signature, False)[0])
        rps, seen = listen_run(args.hookctl, work, args.duration, body, signature, True)
        with_page.append(rps)
        delivered.append(seen)
    bare, paged = statistics.median(without), statistics.median(with_page)
    ratio = paged / bare if bare else 0
    met = lambda ok: "met" if ok else "MISSED"
    first, word, common, filtered, deep = queries(args.hookctl, work, args.events, 31)
    row = lambda name, value, note: print(f"{name:<58} {value:>12}   {note}")
    row("7. listen req/s with a page on the live stream", f"{paged:.0f}",
        f"{ratio:.2f}× without one ({bare:.0f}), target ≥ 0.90: {met(ratio >= 0.9)}; the page read "
        f"{statistics.median(delivered):.0f} events live")
    row(f"   first page of the list, {args.events} stored (ms)", f"{first:.1f}", f"target < 100: {met(first < 100)}")
    row("   full-text search, a word in one body (ms)", f"{word:.1f}", f"target < 100: {met(word < 100)}")
    row(f"   full-text search, a word in every body (ms)", f"{common:.1f}", f"target < 100: {met(common < 100)}")
    row("   type glob + verdict filter, first page (ms)", f"{filtered:.1f}", "")
    row("   a page halfway down (before=ID) (ms)", f"{deep:.1f}", "")


main()
