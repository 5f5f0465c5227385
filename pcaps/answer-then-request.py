#!/usr/bin/env python3
"""answer-then-request.py - a TLS 1.3 exchange whose server puts an HTTP answer
and a post-handshake CertificateRequest in one TCP segment, the layout where
an analyzer that reads a frame's handshake messages before its answers gives
the answer to the wrong handshake.

The server (Python's ssl, OpenSSL underneath) answers the first request 200
without asking for a certificate, then corks the socket so that the answer and
the CertificateRequest leave together. The client sends its certificate and a
second request, which the server refuses with 403 after the certificate.

usage: answer-then-request.py PORT SERVER_CERT SERVER_KEY SERVER_CHAIN CLIENT_CERT CLIENT_KEY CLIENT_CHAIN CA KEYLOG

SPDX-License-Identifier: GPL-2.0-or-later
"""
import os
import socket
import ssl
import sys
import threading


def chain_file(cert, chain, path):
    with open(path, "w") as out:
        for name in (cert, chain):
            with open(name) as part:
                out.write(part.read())
    return path


def serve(listener, context, outcome):
    sock, _ = listener.accept()
    try:
        conn = context.wrap_socket(sock, server_side=True)
        conn.recv(4096)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
        conn.verify_client_post_handshake()
        # The CertificateRequest goes out on the next read: without blocking,
        # so that the cork can be lifted once both records are queued.
        conn.setblocking(False)
        try:
            conn.recv(4096)
        except ssl.SSLWantReadError:
            pass
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
        conn.setblocking(True)
        conn.settimeout(10)
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 10\r\n\r\nforbidden\n")
        conn.close()
        outcome.append("served")
    except Exception as error:  # reported by main(), which fails the run
        outcome.append(f"server failed: {error!r}")


def main():
    port = int(sys.argv[1])
    server_cert, server_key, server_chain, client_cert, client_key, client_chain, ca, keylog = sys.argv[2:10]
    work = os.path.dirname(os.path.abspath(keylog))

    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.minimum_version = ssl.TLSVersion.TLSv1_3
    server_context.load_cert_chain(chain_file(server_cert, server_chain, f"{work}/pha-server-chain.pem"), server_key)
    server_context.load_verify_locations(ca)
    server_context.verify_mode = ssl.CERT_OPTIONAL
    server_context.post_handshake_auth = True

    client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_context.minimum_version = ssl.TLSVersion.TLSv1_3
    client_context.load_verify_locations(ca)
    client_context.load_cert_chain(chain_file(client_cert, client_chain, f"{work}/pha-client-chain.pem"), client_key)
    client_context.post_handshake_auth = True
    client_context.keylog_filename = keylog

    listener = socket.create_server(("127.0.0.1", port))
    outcome = []
    server = threading.Thread(target=serve, args=(listener, server_context, outcome), daemon=True)
    server.start()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with client_context.wrap_socket(raw, server_hostname="localhost") as conn:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            conn.recv(4096)
            # Reading on answers the CertificateRequest; nothing else comes until the next request.
            conn.settimeout(1)
            try:
                conn.recv(4096)
            except TimeoutError:
                pass
            conn.settimeout(10)
            conn.sendall(b"GET /secure HTTP/1.1\r\nHost: localhost\r\n\r\n")
            conn.recv(4096)
    server.join(10)
    listener.close()
    if outcome != ["served"]:
        sys.exit(f"answer-then-request.py: {outcome or ['server did not finish']}")


if __name__ == "__main__":
    main()
