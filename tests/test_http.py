#!/usr/bin/env python3
"""HTTP modes against peers Netpoke did not write. http-server: curl (GET, Range, HEAD, POST to
canned responses, listings, redirects, path escapes refused) and Python's http.client (one
keep-alive connection is one peer). http: Python's http.server (method, headers and body arrive
exactly; status, headers, body and timing come back), https with a self-signed certificate
refused unless --insecure, timeouts. Loopback only; every wait bounded."""
import hashlib
import http.client
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading

from netpoke_test import Cli, Tap, WAIT, have, run_cli, sanitized

tap = Tap()
work = tempfile.mkdtemp(prefix="netpoke-http-")
root = os.path.join(work, "root")
outside = os.path.join(work, "outside")
os.makedirs(os.path.join(root, "sub"))
os.makedirs(os.path.join(root, "plain"))
os.makedirs(outside)
with open(os.path.join(outside, "secret.txt"), "w") as f:
    f.write("TOP SECRET\n")
with open(os.path.join(root, "hello.txt"), "w") as f:
    f.write("hello world\n")
with open(os.path.join(root, "sub", "index.html"), "w") as f:
    f.write("<h1>sub index</h1>\n")
with open(os.path.join(root, "plain", "a file.txt"), "w") as f:
    f.write("spaced\n")
blob = os.urandom(300_000)
with open(os.path.join(root, "blob.bin"), "wb") as f:
    f.write(blob)
os.symlink(os.path.join(outside, "secret.txt"), os.path.join(root, "leak.txt"))
os.symlink(outside, os.path.join(root, "leakdir"))
os.symlink("hello.txt", os.path.join(root, "alias.txt"))   # stays inside: allowed


def curl(*args, data=None):
    """Runs curl; returns (status, headers dict (lower-case names), body bytes)."""
    header_file = os.path.join(work, "headers.txt")
    argv = ["curl", "-s", "-S", "--max-time", str(int(WAIT)), "-D", header_file, "-o", "-", *args]
    proc = subprocess.run(argv, input=data, capture_output=True, timeout=WAIT + 5)
    status, headers = 0, {}
    if os.path.exists(header_file):
        with open(header_file, "rb") as f:
            for line in f.read().decode("latin-1").splitlines():
                if line.startswith("HTTP/"):
                    status, headers = int(line.split()[1]), {}
                elif ":" in line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
        os.unlink(header_file)
    return status, headers, proc.stdout


def requests_seen(server, count):
    return server.wait_events(lambda e: e["event"] == "request", count)


# ---- http-server against curl ------------------------------------------------------------
server = Cli("http-server", "--port", "0", "--bind", "127.0.0.1", "--root", root,
             "--respond", 'POST /api/*=>201 {"ok":true}', "--header", "X-Device: sim",
             "--respond", "GET /status=>200 up")
_, port = server.wait_listening()
base = f"http://127.0.0.1:{port}"
tap.ok(port > 0, f"http-server reports the real port when asked for 0 ({port})")

if not have("curl"):
    tap.skip("http-server against curl", "curl not installed")
else:
    status, headers, body = curl(f"{base}/hello.txt")
    tap.ok(status == 200 and body == b"hello world\n" and headers.get("content-type") == "text/plain",
           "GET a file: 200, its bytes, its content type", (status, headers, body))
    (event,) = requests_seen(server, 1) or [None]
    tap.ok(event is not None and event["method"] == "GET" and event["path"] == "/hello.txt"
           and event["status"] == 200 and event["length"] == 12
           and event["peer"].startswith("127.0.0.1:")
           and any(name == "User-Agent" and value.startswith("curl/")
                   for name, value in event["request"]["headers"]),
           "the request is an event: method, path, status, length, peer, headers", event)

    status, headers, body = curl(f"{base}/blob.bin")
    tap.ok(status == 200 and hashlib.sha256(body).digest() == hashlib.sha256(blob).digest()
           and headers.get("accept-ranges") == "bytes",
           "a 300 kB file arrives byte for byte", (status, len(body)))
    (event,) = requests_seen(server, 1) or [None]
    tap.ok(event is not None and event["length"] == len(blob) and "hex" not in event["response"],
           "its event counts every byte sent and does not copy the file", event and event["length"])

    status, headers, body = curl("-r", "100-199", f"{base}/blob.bin")
    tap.ok(status == 206 and body == blob[100:200]
           and headers.get("content-range") == f"bytes 100-199/{len(blob)}",
           "Range 100-199: 206, exactly those bytes, Content-Range", (status, headers, len(body)))
    status, headers, body = curl("-r", "-50", f"{base}/blob.bin")
    tap.ok(status == 206 and body == blob[-50:], "Range -50: the last 50 bytes", (status, len(body)))
    status, headers, body = curl("-r", "299990-999999", f"{base}/blob.bin")
    tap.ok(status == 206 and body == blob[299990:], "a range past the end is cut at the end", (status, len(body)))
    status, headers, body = curl("-r", "400000-", f"{base}/blob.bin")
    tap.ok(status == 416 and headers.get("content-range") == f"bytes */{len(blob)}",
           "a range beyond the file: 416 with the real length", (status, headers))
    requests_seen(server, 4)

    # curl -I writes the headers where the body would go: no byte of the file may follow them.
    status, headers, body = curl("-I", f"{base}/blob.bin")
    tap.ok(status == 200 and headers.get("content-length") == str(len(blob))
           and body.endswith(b"\r\n\r\n") and blob[:16] not in body,
           "HEAD: 200, the length, no body", (status, headers, body[-40:]))
    (event,) = requests_seen(server, 1) or [None]
    tap.ok(event is not None and event["method"] == "HEAD" and event["status"] == 200, "HEAD is logged", event)

    status, headers, body = curl("-X", "POST", "-H", "Content-Type: application/json",
                                 "--data-binary", '{"led":1}', f"{base}/api/led")
    tap.ok(status == 201 and body == b'{"ok":true}' and headers.get("x-device") == "sim"
           and headers.get("content-type") == "application/json",
           "POST to a canned response: its status, body and header", (status, headers, body))
    (event,) = requests_seen(server, 1) or [None]
    tap.ok(event is not None and event["method"] == "POST" and event["request"]["text"] == '{"led":1}'
           and event["request"]["length"] == 9 and event["response"]["text"] == '{"ok":true}'
           and "canned" in event.get("message", ""),
           "the POST's body and the canned answer are in the event", event)
    status, headers, body = curl(f"{base}/status")
    tap.ok(status == 200 and body == b"up" and headers.get("content-type", "").startswith("text/plain"),
           "GET /status: the second canned response", (status, body))
    status, headers, body = curl("-X", "DELETE", f"{base}/api/led")
    tap.ok(status == 405 and headers.get("allow") == "GET, HEAD",
           "a method no canned response takes, on the folder: 405 with Allow", (status, headers))
    requests_seen(server, 2)

    status, headers, body = curl(f"{base}/sub")
    tap.ok(status == 301 and headers.get("location", "").endswith("/sub/"), "a folder without / redirects", headers)
    status, headers, body = curl(f"{base}/sub/")
    tap.ok(status == 200 and body == b"<h1>sub index</h1>\n", "a folder with index.html serves it", body)
    status, headers, body = curl(f"{base}/plain/")
    tap.ok(status == 200 and b'href="a%20file.txt"' in body and headers.get("content-type", "").startswith("text/html"),
           "a folder without index.html is listed, names escaped", body[:300])
    status, headers, body = curl(f"{base}/plain/a%20file.txt")
    tap.ok(status == 200 and body == b"spaced\n", "an escaped name from the listing opens", (status, body))
    status, headers, body = curl(f"{base}/alias.txt")
    tap.ok(status == 200 and body == b"hello world\n", "a symbolic link that stays inside is served", status)
    requests_seen(server, 5)

    # Escapes: curl --path-as-is sends the dots as written, encoded or not.
    escapes = ["/../outside/secret.txt", "/%2e%2e/outside/secret.txt", "/sub/../../outside/secret.txt",
               "/..%2foutside%2fsecret.txt", "/leak.txt", "/leakdir/secret.txt"]
    leaked = []
    statuses = []
    for path in escapes:
        status, headers, body = curl("--path-as-is", f"{base}{path}")
        statuses.append(status)
        if b"TOP SECRET" in body:
            leaked.append(path)
    tap.ok(not leaked and all(s in (400, 403, 404) for s in statuses),
           "no path escapes the folder (.., encoded dots, symbolic links): 400/403/404",
           list(zip(escapes, statuses, [p in leaked for p in escapes])))
    logged = requests_seen(server, len(escapes))
    refused = [e for e in logged if e["status"] == 403]
    tap.ok(len(logged) == len(escapes) and len(refused) == 2
           and all("outside the served folder" in e.get("message", "") for e in refused),
           "every attempt is logged; symbolic links out are refused with 403 and why",
           [(e["path"], e["status"], e.get("message")) for e in logged])

# ---- Python http.client: one keep-alive connection is one peer ------------------------------
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
answers = []
for path in ("/hello.txt", "/status", "/nothing-here"):
    connection.request("GET", path)
    response = connection.getresponse()
    answers.append((response.status, response.read()))
connection.request("POST", "/api/x", body=b"\x00\x01binary\xff", headers={"Content-Type": "application/octet-stream"})
response = connection.getresponse()
answers.append((response.status, response.read()))
connection.close()
tap.eq(answers, [(200, b"hello world\n"), (200, b"up"), (404, b"404 Not Found\n"), (201, b'{"ok":true}')],
       "http.client: four requests on one connection get their answers")
events = requests_seen(server, 4)
tap.ok(len(events) == 4 and len({e["peer_id"] for e in events}) == 1,
       "the four requests carry one peer id", [e.get("peer_id") for e in events])
tap.ok(len(events) == 4 and events[3]["request"]["hex"] == "000162696e617279ff",
       "a binary request body is kept exactly (hex)", events[-1:] and events[3]["request"])

code = server.stop()
tap.eq(code, 0, "SIGINT stops the http-server with exit 0")
requests = [e for e in server.all_events if e["event"] == "request"]
stopped = [e for e in server.all_events if e["event"] == "stopped"]
tap.ok(len(stopped) == 1 and stopped[0]["messages_in"] == len(requests)
       and stopped[0]["bytes_out"] == sum(e["length"] for e in requests),
       "totals: one message in per request, bytes out = the bytes every event counted",
       (stopped, len(requests)))

# ---- IPv6 and dual-stack -------------------------------------------------------------------
if socket.has_ipv6 and have("curl"):
    server = Cli("http-server", "--port", "0", "--respond", "GET /where=>200 here")
    host, port = server.wait_listening()
    status4, _, body4 = curl(f"http://127.0.0.1:{port}/where")
    status6, _, body6 = curl("-g", f"http://[::1]:{port}/where")
    peers = [e["peer"] for e in requests_seen(server, 2)]
    tap.ok(host == "[::]" and (status4, body4, status6, body6) == (200, b"here", 200, b"here")
           and len(peers) == 2 and peers[1].startswith("[::1]:"),
           "without --bind: every address, IPv4 and IPv6 (dual-stack)", (host, status4, status6, peers))
    server.stop()
else:
    tap.skip("without --bind: every address, IPv4 and IPv6 (dual-stack)", "no IPv6 or no curl")

# ---- backpressure: a consumer that does not keep up holds requests, memory stays bounded -----
# netpoke-cli's standard output is a pipe nobody reads: once the event queue holds 16 MiB the
# server stops answering (each client waits for its response) instead of piling up bodies.
proc = subprocess.Popen([os.environ.get("NETPOKE_CLI") or "netpoke-cli", "http-server", "--port", "0",
                         "--bind", "127.0.0.1", "--respond", "POST /*=>200 ok", "--json"],
                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
listening = proc.stderr.readline().decode()
port = int(listening.rsplit(":", 1)[1])
body = os.urandom(1024 * 1024)
answered = 0
held = False
for _ in range(64):   # 64 MiB: four times the queue's limit
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        connection.request("POST", "/upload", body=body)
        answered += connection.getresponse().status == 200
    except (socket.timeout, TimeoutError):
        held = True
        break
    finally:
        connection.close()
with open(f"/proc/{proc.pid}/status") as f:
    rss_kib = int(next(l for l in f if l.startswith("VmRSS:")).split()[1])
# Under AddressSanitizer freed memory sits in quarantine: RSS says nothing there.
rss_limit = float("inf") if sanitized(proc.pid) else 150 * 1024
tap.ok(held and 10 <= answered < 40 and rss_kib < rss_limit,
       f"a consumer that stops reading holds requests back: {answered} MiB answered, then held; "
       f"RSS {rss_kib // 1024} MiB", (held, answered, rss_kib))
drained = []
reader = threading.Thread(target=lambda: drained.extend(proc.stdout), daemon=True)
reader.start()
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
connection.request("POST", "/after", body=b"x")
status = connection.getresponse().status
connection.close()
proc.send_signal(2)
proc.wait(WAIT)
reader.join(WAIT)
events = [json.loads(line) for line in drained]
tap.ok(status == 200 and sum(e["event"] == "request" and e["request"]["length"] == len(body) for e in events) >= answered,
       "once the output is read again, the held requests and new ones are answered and logged",
       (status, len(events)))

# ---- a port in use, a folder that is not there ---------------------------------------------
code, out, err = run_cli("http-server", "--port", "0", "--root", os.path.join(work, "missing"))
tap.ok(code == 1 and "missing" in err and "No such file" in err, "a missing folder exits 1 naming it", err)
with socket.socket() as busy:
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    code, out, err = run_cli("http-server", "--bind", "127.0.0.1", "--port", str(busy.getsockname()[1]))
    tap.ok(code == 1 and "in use" in err and str(busy.getsockname()[1]) in err,
           "http-server: address in use exits 1", err)


# ---- http (the client) against Python's http.server ------------------------------------------
class Echo(http.server.BaseHTTPRequestHandler):
    """Answers every request with what it received, as JSON."""

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/silent":
            threading.Event().wait(WAIT)   # never answers (the client's timeout must end it)
            return
        reply = json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers),
                            "body": body.hex()}).encode()
        self.send_response(404 if self.path == "/missing" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Echo", "yes")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST = do_PUT = do_DELETE = answer

    def log_message(self, *args):
        pass


def serve(context=None):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    httpd.daemon_threads = True
    if context is not None:
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def http_json(*args):
    code, out, err = run_cli("http", *args, "--json")
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    return code, [e for e in events if e["event"] == "request"], events, err


httpd = serve()
url = f"http://127.0.0.1:{httpd.server_address[1]}"
code, requests, events, err = http_json("--url", f"{url}/device/status")
ok = code == 0 and len(requests) == 1
reply = json.loads(requests[0]["response"]["text"]) if ok else {}
tap.ok(ok and requests[0]["status"] == 200 and requests[0]["reason"] == "OK" and reply.get("method") == "GET"
       and reply.get("path") == "/device/status"
       and ["X-Echo", "yes"] in requests[0]["response"]["headers"]
       and requests[0]["timing"]["total_ms"] >= 0 and requests[0]["timing"]["first_byte_ms"] >= 0,
       "GET: status, reason, response headers, body and timing", (code, requests, err))
tap.ok(ok and events[-1]["event"] == "stopped" and not events[-1]["failed"]
       and events[-1]["bytes_in"] == requests[0]["length"],
       "one request, then the endpoint stops (not failed) with exact counters", events[-1:])

code, requests, events, err = http_json("--url", f"{url}/api/led", "--data", '{"led": true}',
                                        "--header", "Content-Type: application/json",
                                        "--header", "X-Token: abc 123")
reply = json.loads(requests[0]["response"]["text"]) if requests else {}
tap.ok(code == 0 and reply.get("method") == "POST" and bytes.fromhex(reply["body"]) == b'{"led": true}'
       and reply["headers"].get("X-Token") == "abc 123"
       and reply["headers"].get("Content-Type") == "application/json"
       and requests[0]["request"]["text"] == '{"led": true}',
       "POST --data with headers: the server gets the method, headers and body exactly", (code, reply, err))

payload = bytes(range(256))
data_file = os.path.join(work, "payload.bin")
with open(data_file, "wb") as f:
    f.write(payload)
code, requests, events, err = http_json("--url", f"{url}/upload", "--method", "PUT", "--data-file", data_file)
reply = json.loads(requests[0]["response"]["text"]) if requests else {}
tap.ok(code == 0 and reply.get("method") == "PUT" and bytes.fromhex(reply["body"]) == payload
       and reply["headers"].get("Content-Type") == "application/octet-stream"
       and requests[0]["request"]["length"] == 256,
       "PUT --data-file: 256 binary bytes arrive exactly, typed as octets", (code, reply.get("method"), err))

code, requests, events, err = http_json("--url", f"{url}/missing", "--method", "delete")
tap.ok(code == 0 and requests and requests[0]["status"] == 404 and requests[0]["method"] == "DELETE",
       "a 404 is a response like any other: shown, exit 0", (code, requests[:1], err))

code, out, err = run_cli("http", "--url", f"{url}/hello")
tap.ok(code == 0 and "GET " + url + "/hello -> 200 OK" in out and "X-Echo: yes" in out and '"method": "GET"' in out,
       "human output: status line, headers, body", out)

code, out, err = run_cli("http", "--url", f"{url}/silent", "--timeout", "1000")
tap.ok(code == 1 and "No answer from " + url + "/silent within 1000 ms" in err,
       "no answer: exit 1 after --timeout, saying so", (code, err))
httpd.shutdown()

with socket.socket() as closed:
    closed.bind(("127.0.0.1", 0))
    code, out, err = run_cli("http", "--url", f"http://127.0.0.1:{closed.getsockname()[1]}/")
    tap.ok(code == 1 and "refused" in err, "connection refused: exit 1 with the reason", err)

# ---- https with a device's self-signed certificate ------------------------------------------
if not have("openssl"):
    tap.skip("https: a self-signed certificate is refused, --insecure accepts it", "openssl not installed")
else:
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=device.local"], capture_output=True, check=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpsd = serve(context)
    secure = f"https://127.0.0.1:{httpsd.server_address[1]}/tls"
    code, out, err = run_cli("http", "--url", secure)
    tap.ok(code == 1 and "not trusted" in err and "unknown authority" in err and "--insecure" in err,
           "https: a self-signed certificate is refused, saying why and what to do", err)
    code, requests, events, err = http_json("--url", secure, "--insecure")
    tap.ok(code == 0 and requests and requests[0]["status"] == 200 and requests[0]["timing"].get("tls_ms", -1) >= 0,
           "https --insecure: the response arrives, TLS time measured", (code, requests[:1], err))
    httpsd.shutdown()

shutil.rmtree(work, ignore_errors=True)
tap.done()
