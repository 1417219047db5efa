#!/usr/bin/env python3
"""Strike load for tests/cluster/failover_test.sh: a poll watcher's phone, several times over.

Each worker strikes its own share of the voters, one strike per request, one fresh
idempotency key per strike, sending its requests to the app nodes in turn. A strike that
gets no outcome (connection refused or reset, timeout, any status but 200, a per-item
error) is sent again with the same key, to the next node, until one answers it: the
client contract of POST /api/v1/strikes. A 429 (rate limit, backpressure) is waited out
and not counted as a failure.

Writes into --out:
  acked.tsv     one line per acknowledged strike:
                key, voter, outcome, node, attempts, first failure (epoch s or -), ack time
  failures.tsv  one line per failed attempt: time, worker, key, node, what happened
  windows.tsv   one line per unavailability window of a worker: first failure, next
                success, seconds, failed attempts
  summary.json  the counts, written when every worker has stopped
Starts a new strike only while --stop-file does not exist; a strike already begun is
retried until acknowledged or --finish-timeout passes (then it is "abandoned").
"""

import argparse
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

ACK_OUTCOMES = ("struck", "replayed", "already_struck")


class Node:
    """One keep-alive connection of one worker to one app node."""

    def __init__(self, url, timeout):
        parsed = urllib.parse.urlparse(url)
        self.url = url
        self.host = parsed.hostname
        self.port = parsed.port
        self.timeout = timeout
        self.conn = None

    def post(self, path, body, token):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request("POST", path, body=body, headers={
                "Authorization": "Bearer " + token, "Content-Type": "application/json"})
            response = self.conn.getresponse()
            data = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, data, response.getheader("Retry-After")
        except Exception:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Recorder:
    """The output files and counters, shared by the workers under one lock."""

    def __init__(self, out):
        self.lock = threading.Lock()
        self.acked = open(os.path.join(out, "acked.tsv"), "w", buffering=1)
        self.failures = open(os.path.join(out, "failures.tsv"), "w", buffering=1)
        self.windows = open(os.path.join(out, "windows.tsv"), "w", buffering=1)
        self.counts = {"acknowledged": 0, "retried": 0, "failed_attempts": 0,
                       "throttled": 0, "abandoned": 0, "outcomes": {}, "failure_kinds": {},
                       "longest_window_s": 0.0, "longest_window": None}

    def ack(self, key, voter, outcome, node, attempts, first_failure, at):
        with self.lock:
            self.counts["acknowledged"] += 1
            if attempts > 1:
                self.counts["retried"] += 1
            outcomes = self.counts["outcomes"]
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            first = "-" if first_failure is None else "%.3f" % first_failure
            self.acked.write("%s\t%s\t%s\t%s\t%d\t%s\t%.3f\n" %
                             (key, voter, outcome, node, attempts, first, at))

    def failure(self, worker, key, node, what):
        kind = what.split(":")[0]
        with self.lock:
            self.counts["failed_attempts"] += 1
            kinds = self.counts["failure_kinds"]
            kinds[kind] = kinds.get(kind, 0) + 1
            self.failures.write("%.3f\t%d\t%s\t%s\t%s\n" % (time.time(), worker, key, node, what))

    def window(self, worker, start, end, failed):
        seconds = end - start
        with self.lock:
            self.windows.write("%d\t%.3f\t%.3f\t%.3f\t%d\n" % (worker, start, end, seconds, failed))
            if seconds > self.counts["longest_window_s"]:
                self.counts["longest_window_s"] = round(seconds, 3)
                self.counts["longest_window"] = {"worker": worker, "from": round(start, 3),
                                                 "to": round(end, 3), "failed_attempts": failed}

    def count(self, name):
        with self.lock:
            self.counts[name] += 1


def strike_body(voter, key):
    return json.dumps({"voter_id": voter, "idempotency_key": key})


def run_worker(worker, args, token, voters, recorder):
    nodes = [Node(url, args.timeout) for url in args.url]
    turn = worker % len(nodes)
    pause = 1.0 / args.rate if args.rate > 0 else 0.0
    window_start = None  # first failure since this worker's last success
    window_failed = 0
    for i, voter in enumerate(voters):
        if os.path.exists(args.stop_file):
            break
        key = "%s-w%d-%06d" % (args.key_prefix, worker, i)
        body = strike_body(voter, key)
        attempts = 0
        first_failure = None
        give_up_at = None
        while True:
            node = nodes[turn]
            turn = (turn + 1) % len(nodes)
            attempts += 1
            started = time.time()
            what = None
            try:
                status, data, retry_after = node.post("/api/v1/strikes", body, token)
                if status == 200:
                    item = json.loads(data)["results"][0]
                    outcome = item.get("outcome")
                    if outcome in ACK_OUTCOMES:
                        now = time.time()
                        recorder.ack(key, voter, outcome, node.url, attempts, first_failure, now)
                        if window_start is not None:
                            recorder.window(worker, window_start, now, window_failed)
                            window_start = None
                            window_failed = 0
                        break
                    what = "item_error:%s" % json.dumps(item.get("error"))
                elif status == 429:
                    recorder.count("throttled")
                    attempts -= 1
                    time.sleep(min(float(retry_after or 1), 1.0) if retry_after else 0.2)
                    continue
                else:
                    what = "http_%d:%s" % (status, data[:300].decode("utf-8", "replace"))
            except (TimeoutError, OSError) as e:  # socket.timeout is a TimeoutError
                kind = "timeout" if isinstance(e, TimeoutError) else "connection"
                what = "%s:%s after %.1fs" % (kind, e, time.time() - started)
            except (http.client.HTTPException, ValueError, KeyError, IndexError) as e:
                what = "bad_answer:%r" % (e,)
            now = time.time()
            recorder.failure(worker, key, node.url, what.replace("\t", " ").replace("\n", " "))
            if first_failure is None:
                first_failure = started
            if window_start is None:
                window_start = started
            window_failed += 1
            if os.path.exists(args.stop_file):
                if give_up_at is None:
                    give_up_at = now + args.finish_timeout
                elif now > give_up_at:
                    recorder.count("abandoned")
                    print("worker %d abandons %s (%s) after %d attempts" %
                          (worker, key, voter, attempts), file=sys.stderr)
                    return
            time.sleep(args.retry_delay)
        if pause:
            time.sleep(pause)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", action="append", required=True, help="an app node; repeat")
    parser.add_argument("--tokens", required=True, help="file: one bearer token per worker")
    parser.add_argument("--voters", required=True, help="file: one voter id a line")
    parser.add_argument("--out", required=True, help="directory for the results")
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--key-prefix", default="fo")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--rate", type=float, default=30.0,
                        help="strikes a second per worker at most (the per-session limit "
                        "is 20/s per node)")
    parser.add_argument("--retry-delay", type=float, default=0.2)
    parser.add_argument("--finish-timeout", type=float, default=90.0)
    args = parser.parse_args()

    with open(args.tokens) as f:
        tokens = [line.strip() for line in f if line.strip()]
    with open(args.voters) as f:
        voters = [line.strip() for line in f if line.strip()]
    recorder = Recorder(args.out)
    workers = []
    for w, token in enumerate(tokens):
        t = threading.Thread(target=run_worker, name="worker-%d" % w,
                             args=(w, args, token, voters[w::len(tokens)], recorder))
        t.start()
        workers.append(t)
    for t in workers:
        t.join()
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(recorder.counts, f, indent=1)
    print(json.dumps(recorder.counts))


if __name__ == "__main__":
    main()
