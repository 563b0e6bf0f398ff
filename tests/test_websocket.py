#!/usr/bin/env python3
"""WebSocket modes against Python's websockets (Debian python3-websockets), which Netpoke did
not write. ws-server: three clients, text and binary both ways, a broadcast reaches each exactly
once, close codes (the peer's 4001 with its reason, a dropped connection, 1001 when the server
stops), exact counters, echo, pings answered, a wrong path refused. ws: text lines arrive as
text messages without their newline, hex as binary, a --send-file as one binary message, the server's close code ends the client,
wss refused without --insecure. Loopback only; every wait bounded."""
import asyncio
import json
import os
import shutil
import ssl
import subprocess
import tempfile

from netpoke_test import Cli, Tap, WAIT, have, sanitized, tcp_queues

tap = Tap()

try:
    import websockets
    import websockets.exceptions
except ImportError:
    tap.skip("WebSocket modes against python3-websockets", "python3-websockets not installed")
    tap.done()


async def events(cli, predicate, count=1):
    """The next @count CLI events matching @predicate, waited for off the event loop."""
    return await asyncio.to_thread(cli.wait_events, predicate, count)


async def recv(ws):
    return await asyncio.wait_for(ws.recv(), WAIT)


def kind(name):
    return lambda e: e["event"] == name


# ---- ws-server: three clients ---------------------------------------------------------------
async def three_clients():
    server = Cli("ws-server", "--port", "0", "--bind", "127.0.0.1")
    _, port = await asyncio.to_thread(server.wait_listening)
    url = f"ws://127.0.0.1:{port}/ws"
    clients = [await websockets.connect(url, close_timeout=5) for _ in range(3)]
    connected = await events(server, kind("connected"), 3)
    tap.ok(len(connected) == 3 and len({e["peer_id"] for e in connected}) == 3
           and all(e["path"] == "/ws" and e["status"] == 101 for e in connected),
           "three WebSocket clients connected, each its own peer, the handshake in the event", connected)
    ids = {}
    for index, ws in enumerate(clients):
        local_port = ws.local_address[1]
        ids[index] = next((e["peer_id"] for e in connected if e["peer"].endswith(f":{local_port}")), None)

    for index, ws in enumerate(clients):
        await ws.send(f"hello {index} ☃")
        await ws.send(bytes([index, 0, 255]))
    received = await events(server, kind("received"), 6)
    by_peer = {}
    for event in received:
        by_peer.setdefault(event["peer_id"], []).append((event["type"], event["hex"], event.get("text")))
    expected = {ids[i]: [("text", f"hello {i} ☃".encode().hex(), f"hello {i} ☃"),
                         ("binary", bytes([i, 0, 255]).hex(), None)] for i in range(3)}
    tap.ok({k: [(t, h) for t, h, _ in v] for k, v in by_peer.items()}
           == {k: [(t, h) for t, h, _ in v] for k, v in expected.items()},
           "text and binary messages from each client arrive whole, typed, in order", by_peer)
    tap.ok(all(by_peer.get(ids[i], [(None, None, None)])[0][2] == f"hello {i} ☃" for i in range(3)),
           "a text message is shown as UTF-8 text", by_peer)

    lines = ["to everyone", "second line ✓"]
    for line in lines:
        server.send_line(line)
    got = [[await recv(ws) for _ in lines] for ws in clients]
    tap.eq(got, [lines] * 3, "a broadcast from standard input reaches every client once, as text")
    sent = []
    while sum(e["messages"] for e in sent) < len(lines):
        more = await events(server, kind("sent"))
        if not more:
            break
        sent += more
    tap.ok(sum(e["messages"] for e in sent) == len(lines)
           and all(e["peers"] == 3 and e["all"] and e["type"] == "text" for e in sent),
           "a broadcast is one sent event per send operation, naming 3 peers", sent)
    (snapshot,) = await events(server, lambda e: e["event"] == "counters"
                               and sum(c["messages_out"] for c in e["counters"]) == 6) or [None]
    tap.ok(snapshot is not None and sorted(c["peer_id"] for c in snapshot["counters"]) == sorted(ids.values())
           and all(c["messages_in"] == 2 and c["messages_out"] == 2 for c in snapshot["counters"]),
           "per-client counters snapshots cover the WebSocket clients", snapshot)

    await clients[0].close(4001, "bye now")
    (gone,) = await events(server, kind("disconnected")) or [None]
    tap.ok(gone is not None and gone["peer_id"] == ids[0] and gone["close_code"] == 4001
           and "bye now" in gone["message"] and not gone["failed"],
           "a client's close code and reason are shown", gone)
    tap.ok(gone is not None and gone["bytes_in"] == len(f"hello 0 ☃".encode()) + 3 and gone["messages_in"] == 2
           and gone["messages_out"] == 2 and gone["bytes_out"] == sum(len(l.encode()) for l in lines),
           "the client's counters are exact", gone)

    clients[1].transport.abort()
    (dropped,) = await events(server, kind("disconnected")) or [None]
    tap.ok(dropped is not None and dropped["peer_id"] == ids[1] and dropped["failed"]
           and dropped.get("close_code", 0) in (0, 1006),
           "a connection dropped without a close is a failure", dropped)

    code = await asyncio.to_thread(server.stop)
    try:
        await asyncio.wait_for(clients[2].wait_closed(), WAIT)
    except asyncio.TimeoutError:
        pass
    tap.ok(code == 0 and clients[2].close_code == 1001,
           "stopping the server closes the last client with 1001 (going away)",
           (code, clients[2].close_code, clients[2].close_reason))
    stopped = [e for e in server.all_events if e["event"] == "stopped"]
    tap.ok(len(stopped) == 1 and stopped[0]["messages_in"] == 6 and stopped[0]["messages_out"] == 6,
           "server totals: 6 messages in, 2 broadcasts × 3 clients out", stopped)


# ---- ws-server: echo, binary input, pings, another path ------------------------------------
async def echo_binary_ping():
    server = Cli("ws-server", "--port", "0", "--bind", "127.0.0.1", "--path", "/dev", "--echo",
                 "--binary", "--ping", "1")
    _, port = await asyncio.to_thread(server.wait_listening)
    try:
        await websockets.connect(f"ws://127.0.0.1:{port}/ws", close_timeout=5)
        refused = None
    except websockets.exceptions.InvalidStatusCode as error:
        refused = error.status_code
    tap.eq(refused, 404, "a WebSocket handshake on another path than --path is refused (404)")

    ws = await websockets.connect(f"ws://127.0.0.1:{port}/dev", close_timeout=5, subprotocols=["mqtt", "v2"])
    (hello,) = await events(server, kind("connected")) or [None]
    tap.ok(ws.subprotocol == "mqtt" and hello is not None
           and ["Sec-WebSocket-Protocol", "mqtt"] in hello["response"]["headers"],
           "the server takes the subprotocol the client asks for first", (ws.subprotocol, hello))
    await ws.send("echo me")
    await ws.send(b"\x01\x02")
    echoes = [await recv(ws), await recv(ws)]
    tap.eq(echoes, ["echo me", b"\x01\x02"], "--echo sends text back as text and binary as binary")

    server.send_line("00 ff 10 20")
    tap.eq(await recv(ws), b"\x00\xff\x10\x20", "--binary: a hex line goes out as one binary message")
    server.send_line("zz")
    bad = await asyncio.to_thread(server.wait_stderr, "netpoke-cli: not sent")
    tap.ok(bad is not None and "not a hex digit" in bad and server.proc.poll() is None,
           "bad hex is refused with a message; the server keeps running", bad)

    pongs = await events(server, kind("pong"))
    tap.ok(len(pongs) == 1, "--ping: the client's pong is shown", pongs)
    await ws.close()
    await asyncio.to_thread(server.stop)


# ---- ws: the client against a websockets server ---------------------------------------------
async def client_modes():
    heard = []

    async def handler(ws, path=None):
        try:
            async for message in ws:
                heard.append(message)
                if message == "close please":
                    await ws.close(4002, "asked to")
                    return
                if message in ("drop", b"drop"):
                    ws.transport.abort()
                    return
                await ws.send(message if isinstance(message, bytes) else "echo:" + message)
        except websockets.exceptions.ConnectionClosed:
            pass

    async with websockets.serve(handler, "127.0.0.1", 0) as peer:
        port = peer.sockets[0].getsockname()[1]
        url = f"ws://127.0.0.1:{port}/device"

        client = Cli("ws", "--url", url)
        line = await asyncio.to_thread(client.wait_stderr, "connected to")
        tap.ok(line is not None and url in line, "ws: 'connected to URL' on standard error", client.stderr_text)
        client.send_line("hello")
        client.send_line("héllo")
        got = await events(client, kind("received"), 2)
        tap.ok(heard[:2] == ["hello", "héllo"] and [e.get("text") for e in got] == ["echo:hello", "echo:héllo"]
               and all(e["type"] == "text" for e in got),
               "text lines go out as text messages without the newline; answers come back", (heard, got))
        client.send_line("close please")
        code = await asyncio.to_thread(client.finish)
        gone = [e for e in client.all_events if e["event"] == "disconnected"]
        tap.ok(code == 0 and gone and gone[0]["close_code"] == 4002 and "asked to" in gone[0]["message"],
               "the server's close code ends the client (exit 0) and is shown", (code, gone))

        heard.clear()
        client = Cli("ws", "--url", url, "--binary")
        await asyncio.to_thread(client.wait_stderr, "connected to")
        client.send_line("de ad be ef")
        got = await events(client, kind("received"))
        tap.ok(heard == [b"\xde\xad\xbe\xef"] and got and got[0]["type"] == "binary" and got[0]["hex"] == "deadbeef",
               "--binary: hex lines go out as binary messages", (heard, got))
        client.send_line(bytes("drop", "ascii").hex())
        code = await asyncio.to_thread(client.finish)
        tap.ok(code == 1, "a connection the server drops ends the client with exit 1", (code, client.stderr_text))

        client = Cli("ws", "--url", url, "--format", "hex")
        await asyncio.to_thread(client.wait_stderr, "connected to")
        client.send_line("ff fe")
        bad = await asyncio.to_thread(client.wait_event, kind("error"))
        tap.ok(bad is not None and "UTF-8" in bad["message"] and client.proc.poll() is None,
               "text that is not UTF-8 is not sent, with the reason", bad)
        client.stop()

        # --send-file: one binary message; the file counts as sent once it went, then exit 0.
        heard.clear()
        work = tempfile.mkdtemp(prefix="netpoke-ws-file-")
        path = os.path.join(work, "blob.bin")
        blob = bytes(range(256)) * 40
        with open(path, "wb") as f:
            f.write(blob)
        client = Cli("ws", "--url", url, "--send-file", path, stdin=subprocess.DEVNULL)
        code = await asyncio.to_thread(client.finish)
        files = [e for e in client.all_events if e["event"] == "file"]
        sent = [e for e in client.all_events if e["event"] == "sent"]
        tap.ok(code == 0 and heard == [blob] and files and files[-1]["bytes"] == len(blob)
               and not files[-1]["failed"] and sent and sent[0]["file"] == path,
               "ws --send-file: the file as one binary message, reported sent, then exit 0", (code, files, heard[:1]))
        shutil.rmtree(work, ignore_errors=True)

        client = Cli("ws", "--url", url, "--ping", "1")
        pongs = await events(client, kind("pong"))
        tap.ok(len(pongs) == 1, "ws --ping: the server's pong is shown", pongs)
        code = await asyncio.to_thread(client.stop)
        tap.eq(code, 0, "SIGINT stops the client with exit 0")


async def secure_client(work):
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=device.local"], capture_output=True, check=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    async def handler(ws, path=None):
        async for message in ws:
            await ws.send(message)

    async with websockets.serve(handler, "127.0.0.1", 0, ssl=context) as peer:
        url = f"wss://127.0.0.1:{peer.sockets[0].getsockname()[1]}/"
        client = Cli("ws", "--url", url, stdin=subprocess.DEVNULL)
        code = await asyncio.to_thread(client.finish)
        tap.ok(code == 1 and any("not trusted" in l for l in client.stderr_text),
               "wss: a self-signed certificate is refused with the reason", client.stderr_text)
        client = Cli("ws", "--url", url, "--insecure")
        await asyncio.to_thread(client.wait_stderr, "connected to")
        client.send_line("over tls")
        got = await events(client, kind("received"))
        tap.ok(got and got[0].get("text") == "over tls", "wss --insecure: messages both ways over TLS", got)
        await asyncio.to_thread(client.stop)


async def refused_handshake():
    # A plain HTTP server (Netpoke's own, with a canned answer) is not a WebSocket endpoint.
    server = Cli("http-server", "--port", "0", "--bind", "127.0.0.1", "--respond", "GET /*=>404 no socket here")
    _, port = await asyncio.to_thread(server.wait_listening)
    client = Cli("ws", "--url", f"ws://127.0.0.1:{port}/ws", stdin=subprocess.DEVNULL)
    code = await asyncio.to_thread(client.finish)
    tap.ok(code == 1 and any("refused the WebSocket handshake: HTTP 404" in l for l in client.stderr_text),
           "a server that answers the handshake with 404: exit 1 saying so", client.stderr_text)
    await asyncio.to_thread(server.stop)


# ---- backpressure: a consumer that does not keep up stops the server reading -----------------
async def backpressure():
    # netpoke-cli's standard output is a pipe nobody reads: once the event queue holds 16 MiB
    # the server reads no more, TCP fills, and the client's sends wait. Nothing is dropped.
    proc = subprocess.Popen([os.environ.get("NETPOKE_CLI") or "netpoke-cli", "ws-server", "--port", "0",
                             "--bind", "127.0.0.1", "--json"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    listening = await asyncio.to_thread(proc.stderr.readline)
    port = int(listening.decode().rsplit(":", 1)[1])
    ws = await websockets.connect(f"ws://127.0.0.1:{port}/ws", close_timeout=5, max_size=None)
    chunk = os.urandom(256 * 1024)
    sent = 0
    waiting = None
    for _ in range(256):   # 64 MiB: four times the queue's limit
        send = asyncio.ensure_future(ws.send(chunk))
        done, _ = await asyncio.wait({send}, timeout=3)
        if not done:
            waiting = send   # not cancelled: it is to arrive whole once reading resumes
            break
        sent += 1
    held = waiting is not None
    with open(f"/proc/{proc.pid}/status") as f:
        rss_kib = int(next(l for l in f if l.startswith("VmRSS:")).split()[1])
    # What the server read is what the client wrote less what the kernel still holds on the
    # way: on loopback its buffers grow to tens of MiB (tcp_rmem), more under load (49 MiB once
    # got past the client while the server had read 20). The server's own share is its event
    # queue's limit (16 MiB) and the batch its output is stuck on (as much again at most).
    client_port = ws.local_address[1]
    unacked, _ = tcp_queues(client_port, port) or (0, 0)
    _, unread = tcp_queues(port, client_port) or (0, 0)
    frame = len(chunk) + 14   # a masked binary frame with a 64-bit length
    written = (sent + held) * frame - ws.transport.get_write_buffer_size()
    taken = written - unacked - unread
    # Under AddressSanitizer freed memory sits in quarantine: RSS says nothing there.
    rss_limit = float("inf") if sanitized(proc.pid) else 150 * 1024
    mib = 1024 * 1024
    tap.ok(held and taken < 36 * mib and rss_kib < rss_limit,
           f"a consumer that stops reading stops the WebSocket reads: {taken // mib} MiB taken (of "
           f"{written // mib} MiB written; the kernel holds the rest), then the client's sends wait; "
           f"RSS {rss_kib // 1024} MiB", (held, sent, unacked, unread, rss_kib))

    lines = []
    reader = asyncio.create_task(asyncio.to_thread(lambda: lines.extend(proc.stdout)))
    finished = True
    try:
        if waiting is not None:
            await asyncio.wait_for(waiting, WAIT)
            sent += 1
        for _ in range(256 - sent):
            await asyncio.wait_for(ws.send(chunk), WAIT)
    except asyncio.TimeoutError:
        finished = False
    await ws.close()
    # Everything sent must have been read before the close: count what the server reports.
    proc.send_signal(2)
    await asyncio.to_thread(proc.wait, WAIT)
    await asyncio.wait_for(reader, WAIT)
    received = [json.loads(l) for l in lines if b'"received"' in l]
    tap.ok(finished and len(received) == 256 and all(e["length"] == len(chunk) for e in received),
           "once the output is read again, all 64 MiB arrive, every message whole", (finished, len(received)))


async def main():
    await three_clients()
    await backpressure()
    await echo_binary_ping()
    await client_modes()
    await refused_handshake()
    if have("openssl"):
        work = tempfile.mkdtemp(prefix="netpoke-ws-")
        try:
            await secure_client(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    else:
        tap.skip("wss: self-signed certificate refused, --insecure accepts it", "openssl not installed")


asyncio.run(main())
tap.done()
