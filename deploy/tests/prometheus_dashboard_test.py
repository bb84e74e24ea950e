#!/usr/bin/env python3
"""Runs a real Prometheus against a real `serving` on 127.0.0.1, sends traffic, and checks through Prometheus's HTTP
query API that every PromQL expression of the Grafana dashboard and every recording rule returns data.

Usage: prometheus_dashboard_test.py SERVING_BINARY MODEL.gguf   (needs `prometheus` and `promtool` on PATH)
Prints `N passed, N failed` last; exits non-zero on any failure. Every wait is bounded."""
import json, os, re, shutil, socket, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.dirname(HERE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, body=None, headers=None, timeout=30):
    req = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(), headers=headers or {})
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_until(what, predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"timed out after {seconds}s waiting for {what}")


def expressions():
    dash = json.load(open(os.path.join(DEPLOY, "grafana", "serving-dashboard.json")))
    for panel in dash["panels"]:
        for target in panel["targets"]:
            yield f'panel "{panel["title"]}" {target["refId"]}', target["expr"]
    rules = open(os.path.join(DEPLOY, "prometheus", "rules.yml")).read()
    for name, expr in re.findall(r"- record: (\S+)\n\s+expr: (.+)", rules):
        yield f"rule {name}", expr


def main():
    binary, model = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="serving-prom-")
    serving_port, prom_port = free_port(), free_port()
    base = f"http://127.0.0.1:{serving_port}"
    # A KV pool of ~800 tokens, so concurrent long requests force preemptions.
    server = subprocess.Popen([binary, "serve", "--model", model, "--host", "127.0.0.1", "--port", str(serving_port),
                               "--kv-cache-mb", "1", "--kv-cache-dtype", "f32"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    prom = None
    try:
        wait_until("serving /health", lambda: http(base + "/health")[0] == 200, 120)
        with open(os.path.join(work, "prometheus.yml"), "w") as f:
            f.write(f"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {DEPLOY}/prometheus/rules.yml\n"
                    f"scrape_configs:\n  - job_name: serving\n    static_configs:\n      - targets: ['127.0.0.1:{serving_port}']\n")
        prom = subprocess.Popen(["prometheus", f"--config.file={work}/prometheus.yml", f"--storage.tsdb.path={work}/data",
                                 f"--web.listen-address=127.0.0.1:{prom_port}"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        prom_api = f"http://127.0.0.1:{prom_port}/api/v1/query"
        wait_until("prometheus ready", lambda: http(f"http://127.0.0.1:{prom_port}/-/ready")[0] == 200, 60)

        # promtool check metrics on a real scrape.
        status, text = http(base + "/metrics")
        check = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), capture_output=True)
        results = [("promtool check metrics", check.returncode == 0, check.stdout.decode() + check.stderr.decode())]

        def traffic(i):
            http(base + "/v1/completions", {"prompt": "Once upon a time", "max_tokens": 200, "ignore_eos": True, "seed": i})
            http(base + "/v1/chat/completions", {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 40, "stream": True})
            http(base + "/v1/completions", {"prompt": "Once upon a time", "max_tokens": -1})  # 400
        for _round in range(3):
            threads = [threading.Thread(target=traffic, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            time.sleep(1.5)  # let at least one scrape see this round (rates need two samples)

        def query(expr):
            concrete = expr.replace("$__rate_interval", "1m").replace('job=~"$job"', 'job=~".+"')
            status, body = http(prom_api + "?" + urllib.parse.urlencode({"query": concrete}))
            data = json.loads(body)
            return data.get("status") == "success" and len(data["data"]["result"]) > 0, body[:300]

        import urllib.parse  # noqa: E402 (kept next to its only use)
        pending = list(expressions())
        deadline = time.monotonic() + 60
        outcome = {}
        while pending and time.monotonic() < deadline:
            for name, expr in list(pending):
                ok, body = query(expr)
                outcome[name] = (ok, expr + " -> " + body)
                if ok:
                    pending.remove((name, expr))
            if pending:
                time.sleep(1)
        results += [(name, ok, detail) for name, (ok, detail) in outcome.items()]
    finally:
        for p in (prom, server):
            if p is not None:
                p.terminate()
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(work, ignore_errors=True)

    failed = [r for r in results if not r[1]]
    for name, ok, detail in results:
        print(("ok   " if ok else "FAIL ") + name + ("" if ok else "\n     " + detail))
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
