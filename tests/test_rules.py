#!/usr/bin/env python3
"""Reply rules in netpoke-cli against peers Netpoke did not write (Python sockets and
python3-websockets): the seed's device server (port 8125, GBK in, UTF-8 out) reproduced by
rules alone and compared answer for answer with the seed's own code; rule order, captures,
escapes, hex rules over UDP, delays, encodings, framed requests answered framed, answers that
never come back through the rules, --rules files, and bad rules refused before anything
starts. Loopback only; every wait bounded."""
import asyncio
import json
import os
import socket
import tempfile
import time

from netpoke_test import Cli, Tap, WAIT, free_port, is_listening, recv_until, run_cli

tap = Tap()

SEED_RULES = ["--reply", r"^report(.*)=>SET OK:report\1",
              "--reply", r"^.{6}([^,]*).*=>alarm=\1,Switch:clear"]


def seed_answer(data):
    """The seed's service_machine, line for line (reference lines 128-140)."""
    receive_data = data.decode("gbk")
    if receive_data[0:6] == "report":
        response = "SET OK:" + receive_data
    else:
        receive_data = receive_data[6:].split(",")[0]
        response = "alarm=" + receive_data + ",Switch:clear"
    return response.encode("utf-8")


def ask(sock, message, expected_length):
    sock.sendall(message)
    return recv_until(sock, lambda d: len(d) >= expected_length)


def kind(name):
    return lambda e: e["event"] == name


# ---- the seed's device server, by rules alone ---------------------------------------------
messages = ["report温度=25,湿度=40", "report", "reportA,B", "设备0001号,门已打开", "DEV001A17,door open",
            "DEV001", "abcdef,ghi,jkl", "line1\r\nreport?", "DEV002温度过高", "report\r\n"]
server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--encoding", "gbk",
             "--reply-encoding", "utf-8", *SEED_RULES)
_, port = server.wait_listening()
with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
    answers = []
    for text in messages:
        expected = seed_answer(text.encode("gbk"))
        got = ask(c, text.encode("gbk"), len(expected))
        answers.append((text, got, expected))
    wrong = [a for a in answers if a[1] != a[2]]
    tap.ok(not wrong, f"{len(messages)} GBK messages get the seed server's UTF-8 answers, byte for byte", wrong)

    sent = server.wait_events(kind("sent"), len(messages))
    tap.ok(len(sent) == len(messages) and all(e.get("rule") in (1, 2) for e in sent),
           "every answer is a SENT event naming its rule", sent[-3:])
    tap.eq([e["rule"] for e in sent[:3]], [1, 1, 1], "report messages are answered by rule 1")
    tap.eq(sent[3]["text"], seed_answer(messages[3].encode("gbk")).decode("utf-8"),
           "the JSON text of an answer is decoded in the reply encoding (UTF-8), not the receive one")

    # Shorter than 6 characters: the seed answers with an empty alarm; two rules do not.
    c.sendall("abc".encode("gbk"))
    server.wait_event(lambda e: e["event"] == "received" and e["hex"] == "616263")
    c.sendall(b"report1")
    tap.eq(recv_until(c, lambda d: len(d) >= 14), b"SET OK:report1",
           "a message no rule matches is not answered (the next answer is the next message's)")
server.stop()

# The third rule the README gives makes the short ones match the seed too.
server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--encoding", "gbk",
             "--reply-encoding", "utf-8", *SEED_RULES, "--reply", "^=>alarm=,Switch:clear")
_, port = server.wait_listening()
with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
    short = ["abc", "repor", "温度", "x"]
    got = [ask(c, t.encode("gbk"), len(seed_answer(t.encode("gbk")))) for t in short]
    tap.eq(got, [seed_answer(t.encode("gbk")) for t in short],
           "with a third rule '^=>alarm=,Switch:clear' short messages get the seed's answers as well")
server.stop()

# ---- order, captures, escapes, echo as a rule, human output ------------------------------
server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1",
             "--reply", r"^ab=>first\r\n", "--reply", r"^a(b)(c)?=>second \2\1\t\x41\\",
             "--echo", json_events=False)
_, port = server.wait_listening()
with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
    tap.eq(ask(c, b"abc", 7), b"first\r\n", "of two rules that match, the first answers")
    tap.eq(ask(c, b"z\xff\x00", 3), b"z\xff\x00", "--echo after the rules answers the rest, byte for byte")
    line = server.wait_event(lambda l: "->" in l and "by rule 3" in l)
    tap.ok(line is not None and "-> 3 B by rule 3: z\\xFF\\x00" in line,
           "human output marks an answer with its rule", line)
server.stop()

server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1",
             "--reply", r"^(\w+)=(\d+)=>\2<-\1\t[\0]\x00\\")
_, port = server.wait_listening()
with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
    tap.eq(ask(c, b"temp=21;", 20), b"21<-temp\t[temp=21]\x00\\",
           "groups \\1 \\2, the whole match \\0 and escapes \\t \\x00 \\\\ in a template")
server.stop()

# ---- framed requests are answered framed ----------------------------------------------------
server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--framing", "u16be",
             "--reply", r"^GET (\w+)=>VAL \1=42")
_, port = server.wait_listening()
with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
    # Two requests in one write, the second split from its header: two framed answers.
    c.sendall(b"\x00\x08GET temp\x00\x07GET hu")
    time.sleep(0.05)
    c.sendall(b"m")
    got = recv_until(c, lambda d: len(d) >= 2 * 13 - 1)
    tap.eq(got, b"\x00\x0bVAL temp=42\x00\x0aVAL hum=42", "length-prefixed requests get length-prefixed answers")
server.stop()

server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--framing", "ascii16",
             "--reply", r"^IMG\?=>IMG OK")
_, port = server.wait_listening()
with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
    c.sendall(b"4".ljust(16) + b"IMG?")
    tap.eq(recv_until(c, lambda d: len(d) >= 22), b"6".ljust(16) + b"IMG OK",
           "an ascii16 request gets an ascii16 answer (the seed's 16-byte header)")
server.stop()

# ---- answers never come back through the rules ----------------------------------------------
server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--reply", r"(.*)=>\1\1")
_, port = server.wait_listening()
with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
    tap.eq(ask(c, b"ab", 4), b"abab", "a rule answering with the message twice")
    c.sendall(b"marker")
    tap.eq(recv_until(c, lambda d: len(d) >= 12), b"markermarker",
           "the next bytes are the next answer: the first answer was not matched again")
server.stop()
events = [e for e in server.all_events if e["event"] in ("received", "sent")]
tap.eq([e["event"] for e in events], ["received", "sent", "received", "sent"],
       "one answer per received message, nothing more")

# ---- hex rules over UDP, delays from a rules file ------------------------------------------
with tempfile.TemporaryDirectory() as tmp:
    rules_path = os.path.join(tmp, "device.json")
    with open(rules_path, "w") as f:
        json.dump([{"match": "hex", "pattern": "01 03 00 00 00 01", "reply": "hex", "response": "01 03 02 00 2A"},
                   {"name": "slow", "match": "text", "pattern": "STATUS", "reply": "text",
                    "response": "BUSY\\r\\n", "delay_ms": 400},
                   {"match": "any", "reply": "echo", "enabled": False}], f)
    server = Cli("udp", "--port", "0", "--bind", "127.0.0.1", "--rules", rules_path)
    _, port = server.wait_listening()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(WAIT)
        u.sendto(bytes.fromhex("010300000001"), ("127.0.0.1", port))
        data, _ = u.recvfrom(100)
        tap.eq(data, bytes.fromhex("010302002A"), "a hex rule answers a UDP datagram's sender")
        sent = server.wait_event(kind("sent"))
        tap.ok(sent is not None and sent["rule"] == 1 and sent["hex"] == "010302002a", "its SENT event names rule 1", sent)

        started = time.monotonic()
        u.sendto(b"STATUS\n", ("127.0.0.1", port))
        data, _ = u.recvfrom(100)
        waited = time.monotonic() - started
        tap.eq(data, b"BUSY\r\n", "a text rule (the message's line end aside) answers from a --rules list")
        tap.ok(waited >= 0.4, "its answer waits for the rule's 400 ms delay", f"{waited:.3f} s")

        u.sendto(b"nothing matches", ("127.0.0.1", port))
        u.sendto(bytes.fromhex("010300000001"), ("127.0.0.1", port))
        data, _ = u.recvfrom(100)
        tap.eq(data, bytes.fromhex("010302002A"), "a disabled echo rule does not answer")
    server.stop()

    # A workspace file holds the same rules: --rules takes the window's saved workspace too.
    workspace_path = os.path.join(tmp, "bench.netpoke")
    with open(workspace_path, "w") as f:
        json.dump({"format": "netpoke-workspace", "version": 2,
                   "endpoints": [{"mode": "tcp-server", "receive_encoding": "gb18030", "send_encoding": "gb18030"}],
                   "rules": [{"match": "regex", "pattern": "^报警(.*)", "reply": "text", "response": "收到\\1"}]}, f)
    server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--encoding", "gbk", "--rules", workspace_path)
    _, port = server.wait_listening()
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
        want = "收到温度".encode("gbk")
        tap.eq(ask(c, "报警温度".encode("gbk"), len(want)), want,
               "GBK matched and answered in GBK, with rules from a workspace file")
    server.stop()

    # Bad rules are refused before anything starts, with their position and GRegex's words.
    bad_port = free_port()
    code, out, err = run_cli("tcp-server", "--port", str(bad_port), "--reply", "^a=>b",
                             "--reply", "^report(.*=>SET OK")
    tap.eq(code, 2, "a bad regex is a usage error (exit 2)")
    tap.ok("rule 2 (--reply '^report(.*=>SET OK'): pattern: Error while compiling regular expression "
           "‘^report(.*’ at char 10: missing terminating )" in err, "the error names the rule, its option and GRegex's text", err)
    tap.ok("listening" not in err and not is_listening(bad_port), "nothing started")

    code, out, err = run_cli("tcp-server", "--port", "0", "--reply", r"^(a)=>\2")
    tap.ok(code == 2 and "rule 1 (--reply '^(a)=>\\2'): reply: the reply uses \\2, but the pattern has 1 group(s)" in err,
           "a template naming a group the pattern lacks is refused", err)
    code, out, err = run_cli("tcp-server", "--port", "0", "--reply-hex", "01 0=>02")
    tap.ok(code == 2 and "pattern: Odd number of hex digits" in err, "a bad hex pattern is refused", err)
    code, out, err = run_cli("tcp-server", "--port", "0", "--reply", "no arrow")
    tap.ok(code == 2 and "is not REGEX=>TEMPLATE" in err, "a --reply without => is refused", err)
    code, out, err = run_cli("http", "--url", "http://127.0.0.1:1/", "--echo")
    tap.ok(code == 2 and "answer messages" in err, "rules are refused where there are no messages to answer", err)

    bad_file = os.path.join(tmp, "bad.json")
    with open(bad_file, "w") as f:
        json.dump([{"pattern": "ok"}, {"pattern": "(", "response": "x"}], f)
    code, out, err = run_cli("tcp-server", "--port", "0", "--rules", bad_file)
    tap.ok(code == 2 and f"{bad_file}: rule 2: pattern: Error while compiling regular expression" in err,
           "a bad rule in a --rules file is refused with the file and its position", err)

# ---- WebSocket: text answered with text, hex with binary -------------------------------------
try:
    import websockets
except ImportError:
    websockets = None

if websockets is None:
    tap.skip("rules answer WebSocket messages", "python3-websockets not installed")
else:
    async def websocket_rules():
        server = Cli("ws-server", "--port", "0", "--bind", "127.0.0.1",
                     "--reply", r"^温度\?=>温度=21", "--reply-hex", "01=>02 03")
        _, port = await asyncio.to_thread(server.wait_listening)
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws") as ws:
            await ws.send("温度?")
            text = await asyncio.wait_for(ws.recv(), WAIT)
            await ws.send(b"\x01")
            binary = await asyncio.wait_for(ws.recv(), WAIT)
        server.stop()
        tap.eq(text, "温度=21", "a WebSocket text message is answered with a text message (UTF-8)")
        tap.eq(binary, b"\x02\x03", "a hex rule answers a binary message with a binary one")

    asyncio.run(websocket_rules())

tap.done()
