#!/usr/bin/env python3
"""TLS over TCP against openssl s_client / s_server and Python's ssl: handshakes, data both ways,
the certificate's subject, issuer, validity and SHA-256 fingerprint in the log (compared with what
openssl says), a certificate refused with the reason and accepted with --insecure, a plain TCP
client logged as a handshake error, client certificates both ways, and the self-signed
certificate Netpoke makes once and keeps in the user's data folder."""
import hashlib
import os
import socket
import ssl
import stat
import subprocess
import tempfile

from netpoke_test import Cli, Tap, WAIT, free_port, have, recv_until, run_cli, wait_listening_port

tap = Tap()
if not have("openssl"):
    tap.skip("TLS against openssl", "openssl not installed")
    tap.done()

work = tempfile.TemporaryDirectory()
os.environ["XDG_DATA_HOME"] = os.path.join(work.name, "data")


def path(name):
    return os.path.join(work.name, name)


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


# A test CA, a server certificate for localhost / 127.0.0.1 and a client certificate it signed, and
# a device's self-signed certificate made out for another name.
openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("ca.key"), "-out", path("ca.pem"),
        "-days", "30", "-subj", "/CN=Netpoke Test CA")
for name, extra in (("server", "subjectAltName=DNS:localhost,IP:127.0.0.1"), ("client", "extendedKeyUsage=clientAuth")):
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", path(f"{name}.key"), "-out", path(f"{name}.csr"),
            "-subj", f"/CN={name}")
    with open(path(f"{name}.ext"), "w") as f:
        f.write(extra + "\n")
    openssl("x509", "-req", "-in", path(f"{name}.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
            "-CAcreateserial", "-out", path(f"{name}.pem"), "-days", "30", "-extfile", path(f"{name}.ext"))
openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("device.key"), "-out", path("device.pem"),
        "-days", "30", "-subj", "/CN=device.example")


def fingerprint(pem_path):
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", pem_path],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().split("=", 1)[1]


def s_client(port, *args):
    return subprocess.Popen(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-quiet", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def s_server(*args):
    port = free_port()
    proc = subprocess.Popen(["openssl", "s_server", "-accept", str(port), "-naccept", "1", "-quiet", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tap.ok(wait_listening_port(port), f"openssl s_server listens on {port}")
    return proc, port


def notice(cli):
    return cli.wait_event(lambda e: e["event"] == "notice")


# ---- usage -------------------------------------------------------------------------------------
for mode, args, expect in [
    ("tcp-server", ["--port", "0", "--cert", path("server.pem")], "the certificate options applies to TLS: add --tls"),
    ("tcp-server", ["--port", "0", "--tls", "--cert", path("missing.pem")], "--cert: cannot read"),
    ("tcp-server", ["--port", "0", "--tls", "--key", path("server.key")], "--key applies to --cert"),
    ("tcp-client", ["--host", "h", "--port", "1", "--tls", "--cert", path("server.pem")], "--cert and --key applies to tcp-server"),
    ("tcp-server", ["--port", "0", "--tls", "--insecure"], "--insecure applies to tcp-client"),
    ("udp", ["--port", "0", "--tls"], "--tls applies to tcp-server and tcp-client"),
]:
    code, _, err = run_cli(mode, *args)
    tap.ok(code == 2 and expect in err, f"usage error: {expect}", err)

# ---- a server with the certificate Netpoke makes -------------------------------------------------
cli = Cli("tcp-server", "--bind", "127.0.0.1", "--port", "0", "--tls")
_, port = cli.wait_listening()
own = os.path.join(os.environ["XDG_DATA_HOME"], "netpoke", "tls", "self-signed.crt")
own_key = os.path.join(os.environ["XDG_DATA_HOME"], "netpoke", "tls", "self-signed.key")
made = notice(cli)
tap.ok(made is not None and made["message"].startswith("TLS with Netpoke’s own certificate")
       and made["message"].endswith(f"made now and kept in {own}"), "the first TLS server makes its certificate and says where", made)
tap.ok(made is not None and f"SHA-256 {fingerprint(own)}," in made["message"],
       "the log shows its SHA-256 fingerprint, as openssl computes it", made)
tap.eq(stat.S_IMODE(os.stat(own_key).st_mode), 0o600, "its key is readable by the user only")

client = s_client(port)
client.stdin.write(b"from s_client\n")
client.stdin.flush()
got = cli.wait_event(lambda e: e["event"] == "received")
tap.ok(got is not None and got["text"] == "from s_client\n", "openssl s_client's line arrives", got)
connected = [e for e in cli.all_events if e["event"] == "connected"]
tap.ok(connected and connected[0]["tls"]["protocol"].startswith("TLS 1.") and connected[0]["tls"].get("cipher")
       and "certificate" not in connected[0]["tls"], "the connected event names protocol and cipher (no client certificate)",
       connected)
cli.send_line("to s_client")
tap.eq(client.stdout.readline(), b"to s_client\n", "s_client gets the server's line")
client.kill()
client.wait()

# Python's ssl, trusting that certificate: the host names it was made for check out.
context = ssl.create_default_context(cafile=own)
for host in ("localhost", "127.0.0.1"):
    with context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=WAIT), server_hostname=host) as tls:
        digest = hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest().upper()
        tap.ok(made is not None and ":".join(digest[i:i + 2] for i in range(0, 64, 2)) in made["message"],
               f"Python's ssl verifies it for {host} and sees the same fingerprint")
        tls.sendall(b"from python\n")
        got = cli.wait_event(lambda e: e["event"] == "received")
        tap.ok(got is not None and got["text"] == "from python\n", f"Python's line arrives ({host})", got)
        cli.send_line("to python")
        tap.eq(recv_until(tls, lambda d: d.endswith(b"\n")), b"to python\n", f"Python gets the server's line ({host})")

# A plain TCP client is a handshake error in the log; the server carries on.
plain = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
plain.sendall(b"GET / HTTP/1.0\r\n\r\n")
# (The Python clients above only finished sending when they closed, so the line typed for the
# second went to the first too, and its reset is an error of its own: skip that one.)
error = cli.wait_event(lambda e: e["event"] == "error" and "TLS handshake" in e["message"])
tap.ok(error is not None and error["message"].startswith(f"TLS handshake with 127.0.0.1:{plain.getsockname()[1]} failed:"),
       "a plain TCP client is logged as a failed handshake, with who it was", error)
tap.eq(recv_until(plain, lambda d: False, timeout=5)[:0], b"", "the plain client is closed")
plain.close()
with context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=WAIT), server_hostname="localhost"):
    tap.ok(cli.wait_event(lambda e: e["event"] == "connected") is not None, "the next TLS client is served")
tap.eq(cli.stop(), 0, "the server stops with exit 0")

cli = Cli("tcp-server", "--bind", "127.0.0.1", "--port", "0", "--tls")
cli.wait_listening()
kept = notice(cli)
tap.ok(kept is not None and kept["message"].endswith(f"kept in {own}") and "made now" not in kept["message"]
       and f"SHA-256 {fingerprint(own)}," in kept["message"], "the next start uses the kept certificate", kept)
cli.stop()

# ---- a server with the user's certificate, asking clients for theirs ---------------------------
cli = Cli("tcp-server", "--bind", "127.0.0.1", "--port", "0", "--tls", "--cert", path("server.pem"),
          "--key", path("server.key"), "--request-client-cert")
_, port = cli.wait_listening()
mine = notice(cli)
tap.ok(mine is not None and "“CN=server”, issued by “CN=Netpoke Test CA”" in mine["message"]
       and f"(from {path('server.pem')})" in mine["message"], "--cert: the log names the certificate and the file", mine)
client = s_client(port, "-cert", path("client.pem"), "-key", path("client.key"))
client.stdin.write(b"with a certificate\n")
client.stdin.flush()
connected = cli.wait_event(lambda e: e["event"] == "connected")
shown = connected["tls"].get("certificate", {}) if connected else {}
tap.ok(shown.get("subject") == "CN=client" and shown.get("issuer") == "CN=Netpoke Test CA"
       and shown.get("sha256") == fingerprint(path("client.pem")) and "unknown authority" in shown.get("trust", "")
       and shown.get("not_before", "").endswith("Z") and shown.get("not_after", "").endswith("Z"),
       "--request-client-cert: the client's certificate is shown (subject, issuer, validity, fingerprint, trust)", connected)
got = cli.wait_event(lambda e: e["event"] == "received")
tap.ok(got is not None and got["text"] == "with a certificate\n", "and its data arrives", got)
client.kill()
client.wait()
cli.stop()

# ---- a client against openssl s_server and Python ------------------------------------------------
server, port = s_server("-cert", path("server.pem"), "-key", path("server.key"))
cli = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--tls")
code = cli.finish()
stopped = [e for e in cli.all_events if e["event"] == "stopped"]
tap.ok(code == 1 and stopped and stopped[0]["message"].startswith(f"TLS handshake with 127.0.0.1:{port} failed: its certificate is not trusted: signed by an unknown authority")
       and "--insecure" in stopped[0]["message"], "a certificate the system does not trust is refused with the reason", stopped)
server.kill()
server.wait()

server, port = s_server("-cert", path("device.pem"), "-key", path("device.key"))
cli = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--tls", "--insecure")
connected = cli.wait_event(lambda e: e["event"] == "connected")
shown = connected["tls"].get("certificate", {}) if connected else {}
tap.ok(shown.get("subject") == "CN=device.example" and shown.get("issuer") == "CN=device.example"
       and shown.get("sha256") == fingerprint(path("device.pem")),
       "--insecure: the server's certificate is shown with its fingerprint", connected)
tap.ok("unknown authority" in shown.get("trust", "") and "another host name" in shown.get("trust", ""),
       "and why it would not have been trusted", shown)
cli.send_line("to s_server")
tap.eq(server.stdout.readline(), b"to s_server\n", "s_server gets the client's line")
server.stdin.write(b"to netpoke\n")
server.stdin.flush()
got = cli.wait_event(lambda e: e["event"] == "received")
tap.ok(got is not None and got["text"] == "to netpoke\n", "the client gets s_server's line", got)
cli.stop()
server.kill()
server.wait()

# Python's ssl server requiring a client certificate signed by the test CA.
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(path("server.pem"), path("server.key"))
context.load_verify_locations(path("ca.pem"))
context.verify_mode = ssl.CERT_REQUIRED
listener = socket.create_server(("127.0.0.1", 0))
listener.settimeout(WAIT)
port = listener.getsockname()[1]
cli = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--tls", "--insecure",
          "--client-cert", path("client.pem"), "--client-key", path("client.key"))
raw, _ = listener.accept()
tls = context.wrap_socket(raw, server_side=True)
tap.eq(dict(x[0] for x in tls.getpeercert()["subject"]), {"commonName": "client"},
       "--client-cert: Python's server verifies the client's certificate")
tls.sendall(b"hello client\n")
got = cli.wait_event(lambda e: e["event"] == "received")
tap.ok(got is not None and got["text"] == "hello client\n", "Python's line arrives at the client", got)
cli.send_line("hello server")
tap.eq(recv_until(tls, lambda d: d.endswith(b"\n")), b"hello server\n", "Python gets the client's line")
tls.close()
cli.finish()

cli = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--tls", "--insecure")
raw, _ = listener.accept()
try:
    context.wrap_socket(raw, server_side=True)
    refused = False
except ssl.SSLError:
    refused = True
tap.ok(refused, "without --client-cert Python's server refuses the client")
code = cli.finish()
stopped = [e for e in cli.all_events if e["event"] == "stopped"]
# TLS 1.3: the server's verdict on the client's certificate comes after the handshake, as an alert.
tap.ok(code == 1 and stopped and "certificate" in stopped[0]["message"].lower(),
       "and the client ends with the server's reason", stopped)
listener.close()

tap.done()
