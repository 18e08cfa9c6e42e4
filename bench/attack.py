#!/usr/bin/env python3
"""The listener under attack: its peak memory and a healthy delivery's latency while hostile clients run.

    python3 bench/attack.py HOOKCTL [HOOKCTL_BEFORE] [--attacks bodies,idle,fds,forged] [--duration 10]

Each attack runs against `HOOKCTL listen` on 127.0.0.1 (with its default limits, unless EXTRA_ARGS says
otherwise) for --duration seconds. Meanwhile a probe, in a process of its own, sends one signed Payvost
delivery at a time on a fresh connection, as a provider does, every 20 ms; and the listener's RSS is read
from /proc every 50 ms. Printed per attack and binary: peak RSS, the probe's p50/p99/max and failures, and
how the attackers' requests were answered.

  bodies  200 senders of 9.9 MiB bodies, each sending again as soon as it is answered
  idle    2,000 connections that send nothing, reopened as soon as they are closed
  fds     the same 2,000 against a listener started with `ulimit -n 256`
  forged  16 senders of 0.8 MiB Payvost bodies with a signature that does not match (each diagnosed)

Every loop is bounded by the duration; all traffic stays on 127.0.0.1. Figures, not assertions.
"""

import argparse
import asyncio
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SECRET = "bench-secret"


def signed_probe(hookctl):
    out = subprocess.run(
        [hookctl, "sign", "payvost", "--event", "payment.succeeded", "--json"],
        env={**os.environ, "HOOKCTL_SECRET": SECRET}, capture_output=True, check=True, text=True).stdout
    request = json.loads(out)
    body = request["body"].encode()
    headers = "".join(f"{name}: {value}\r\n" for name, value in request["headers"])
    return (f"POST /webhooks/payvost HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{headers}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def status_of(answer):
    match = re.match(rb"HTTP/1\.1 (\d{3})", answer)
    return int(match.group(1)) if match else 0


# ---- the probe, in a process of its own (the attackers' GIL does not delay it) ----

def probe(port, duration, request_file):
    request = open(request_file, "rb").read()
    latencies, failures = [], []
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(request)
                answer = b""
                while chunk := sock.recv(65536):
                    answer += chunk
            status = status_of(answer)
            if status != 200:
                failures.append(str(status))
        except OSError as error:
            failures.append(type(error).__name__)
        latencies.append((time.monotonic() - started) * 1000)
        time.sleep(0.02)
    print(json.dumps({"latencies": latencies, "failures": failures}))


# ---- the attackers, in a process of their own ----

async def send_body(port, head, body, counts):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        counts["connect-error"] = counts.get("connect-error", 0) + 1
        await asyncio.sleep(0.05)
        return
    read = None
    try:
        writer.write(head)
        read = asyncio.ensure_future(reader.read(256))
        view = memoryview(body)
        for offset in range(0, len(body), 1 << 20):
            if read.done():
                break  # answered early (503, 413): the rest is not wanted
            writer.write(view[offset:offset + (1 << 20)])
            await writer.drain()
        answer = await asyncio.wait_for(read, 60)
        key = str(status_of(answer) or "no-answer")
    except (OSError, asyncio.TimeoutError) as error:
        # Refused early, the listener closes the connection: the answer may have come before the reset.
        answered = read is not None and read.done() and not read.cancelled() and read.exception() is None
        key = str(status_of(read.result()) or "no-answer") if answered else type(error).__name__
    if read is not None and not read.done():
        read.cancel()
    counts[key] = counts.get(key, 0) + 1
    writer.close()


async def bodies(port, duration, senders, size, path, signature):
    pad = b"a" * (size - 120)
    body = b'{"id":"evt_attack","type":"payment.succeeded","data":{"pad":"' + pad + b'"}}'
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Payvost-Signature: {signature}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    counts = {}
    deadline = time.monotonic() + duration

    async def sender():
        while time.monotonic() < deadline:
            await send_body(port, head, body, counts)

    await asyncio.gather(*(sender() for _ in range(senders)))
    return counts


async def idle(port, duration, count):
    counts = {"opened": 0, "closed-by-listener": 0, "connect-error": 0}
    deadline = time.monotonic() + duration

    async def holder():
        while time.monotonic() < deadline:
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
            except (OSError, asyncio.TimeoutError):
                counts["connect-error"] += 1
                await asyncio.sleep(0.1)
                continue
            counts["opened"] += 1
            try:
                await asyncio.wait_for(reader.read(1), max(0.0, deadline - time.monotonic()))
                counts["closed-by-listener"] += 1
            except (OSError, asyncio.TimeoutError):
                pass
            writer.close()

    await asyncio.gather(*(holder() for _ in range(count)))
    return counts


def attacker(kind, port, duration, signature):
    if kind == "bodies":
        counts = asyncio.run(bodies(port, duration, 200, int(9.9 * 1024 * 1024), "/webhooks/payvost", signature))
    elif kind == "forged":
        counts = asyncio.run(bodies(port, duration, 16, int(0.8 * 1024 * 1024), "/webhooks/payvost", signature))
    else:
        counts = asyncio.run(idle(port, duration, 2000))
    print(json.dumps(counts))


# ---- the run ----

def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def start_listener(hookctl, store, nofile, extra):
    def limits():
        if nofile:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    child = subprocess.Popen(
        [hookctl, "listen", "--port", "0", "--store", store, "--json", *extra],
        env={"HOME": os.path.dirname(store), "PATH": os.environ.get("PATH", ""), "HOOKCTL_SECRET": SECRET},
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=limits)
    for line in child.stderr:
        found = re.search(rb"http://127\.0\.0\.1:(\d+)", line)
        if found:
            threading.Thread(target=lambda: [None for _ in child.stderr], daemon=True).start()
            return child, int(found.group(1))
    raise SystemExit(f"{hookctl} did not start listening")


def run(hookctl, kind, duration, request_file, extra):
    with tempfile.TemporaryDirectory() as folder:
        store = os.path.join(folder, "events.db")
        listener, port = start_listener(hookctl, store, 256 if kind == "fds" else None, extra)
        baseline = rss_kib(listener.pid)
        me = [sys.executable, os.path.abspath(__file__)]
        probing = subprocess.Popen([*me, "_probe", str(port), str(duration), request_file], stdout=subprocess.PIPE)
        attacking = subprocess.Popen(
            [*me, "_attack", kind, str(port), str(duration), "0" * 64], stdout=subprocess.PIPE)
        peak = baseline
        while probing.poll() is None or attacking.poll() is None:
            peak = max(peak, rss_kib(listener.pid))
            time.sleep(0.05)
        alive = listener.poll() is None
        listener.terminate()
        try:
            listener.wait(30)
        except subprocess.TimeoutExpired:
            listener.kill()
            listener.wait()
        probed = json.loads(probing.stdout.read())
        attacked = json.loads(attacking.stdout.read())
    latencies = sorted(probed["latencies"]) or [0]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {
        "peak_rss_mib": round(peak / 1024, 1),
        "probes": len(probed["latencies"]),
        "probe_p50_ms": round(statistics.median(latencies), 1),
        "probe_p99_ms": round(p99, 1),
        "probe_max_ms": round(latencies[-1], 1),
        "probe_failures": len(probed["failures"]),
        "probe_failure_kinds": sorted(set(probed["failures"])),
        "alive": alive,
        "attackers": attacked,
    }


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_probe":
        return probe(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    if len(sys.argv) > 1 and sys.argv[1] == "_attack":
        return attacker(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("hookctl", nargs="+", help="the binaries to compare (before, after)")
    parser.add_argument("--attacks", default="bodies,idle,fds,forged")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--extra", default="", help="more arguments for every listener")
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile(suffix=".http", delete=False) as request:
        request.write(signed_probe(args.hookctl[0]))
    print(f"{'attack':8} {'binary':40} {'peak RSS':>9} {'probes':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'failed':>6}  attackers' answers")
    for kind in args.attacks.split(","):
        for hookctl in args.hookctl:
            result = run(hookctl, kind, args.duration, request.name, args.extra.split())
            print(f"{kind:8} {hookctl[-40:]:40} {result['peak_rss_mib']:>5} MiB {result['probes']:>6} "
                  f"{result['probe_p50_ms']:>8} {result['probe_p99_ms']:>8} {result['probe_max_ms']:>8} "
                  f"{result['probe_failures']:>6}  {json.dumps(result['attackers'])}"
                  f"{'  probe failures: ' + ', '.join(result['probe_failure_kinds']) if result['probe_failures'] else ''}"
                  f"{'' if result['alive'] else '  (the listener died)'}", flush=True)
    os.unlink(request.name)


if __name__ == "__main__":
    main()
