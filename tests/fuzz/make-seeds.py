#!/usr/bin/env python3
# make-seeds.py - seeds the fuzzer's corpus from the sample captures: for each
# TLS stream of each capture in pcaps/, the certificates both sides sent (read
# by tshark), replayed as a TLS 1.2 and a TLS 1.3 handshake in fuzz_events'
# input format, with the client's issuers as the CertificateRequest CA names.
#
# usage: make-seeds.py CORPUS_DIR CAPTURE...
#
# SPDX-License-Identifier: GPL-2.0-or-later
import hashlib
import os
import struct
import subprocess
import sys

CLIENT_HELLO, SERVER_HELLO, CERTIFICATE_REQUEST, CERTIFICATE, SERVER_HELLO_DONE = 0, 1, 2, 3, 4
CERTIFICATE_VERIFY, FINISHED, NEW_SESSION_TICKET, ALERT = 5, 6, 7, 9
SERVER = 1


def record(kind, flags, payload=b""):
    return struct.pack("!BBH", kind, flags, len(payload)) + payload


def blobs(items):
    return b"".join(struct.pack("!H", len(item)) + item for item in items)


def der_element(data, offset):
    """(tag, start of content, end) of the DER element at offset."""
    tag, length = data[offset], data[offset + 1]
    offset += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[offset:offset + count], "big")
        offset += count
    return tag, offset, offset + length


def issuer_name(certificate):
    """The DER issuer Name of a certificate (tbsCertificate's fourth field)."""
    _, start, _ = der_element(certificate, 0)          # Certificate
    _, offset, _ = der_element(certificate, start)     # tbsCertificate
    fields = []
    while len(fields) < 4:
        tag, content, end = der_element(certificate, offset)
        if not (tag == 0xA0 and not fields):           # skip the optional [0] version
            fields.append((offset, end))
        offset = end
    begin, end = fields[3]
    return certificate[begin:end]


def chains(capture):
    """{stream: {"client": [der...], "server": [der...]}} from tshark."""
    out = subprocess.run(["tshark", "-n", "-r", capture, "-Y", "tls.handshake.type == 11", "-T", "fields",
                          "-E", "occurrence=a", "-E", "aggregator=,", "-e", "tcp.stream", "-e", "tcp.srcport",
                          "-e", "tcp.dstport", "-e", "tls.handshake.certificate"],
                         capture_output=True, text=True).stdout
    streams = {}
    for line in out.splitlines():
        stream, source, destination, certificates = (line.split("\t") + ["", "", "", ""])[:4]
        if not certificates:
            continue
        ders = [bytes.fromhex(c) for c in certificates.split(",") if c]
        side = "server" if int(source or 0) < int(destination or 0) else "client"
        streams.setdefault(stream, {}).setdefault(side, ders)
    return streams


def handshake(chain_by_side, tls13):
    server = chain_by_side.get("server", [])
    client = chain_by_side.get("client", [])
    names = []
    for certificate in client:
        try:
            names.append(issuer_name(certificate))
        except (IndexError, ValueError):
            pass
    versions = struct.pack("!HBHH", 0x0303, 1, 0x0304, 0x0303) if tls13 else struct.pack("!HB", 0x0303, 1)
    hello = struct.pack("!HHB", 0x0303, 0x0304 if tls13 else 0, 0) + bytes(32)
    seed = record(CLIENT_HELLO, 0, versions) + record(SERVER_HELLO, SERVER, hello)
    if tls13:
        seed += record(CERTIFICATE_REQUEST, SERVER, blobs(names)) + record(CERTIFICATE, SERVER, blobs(server))
        seed += record(CERTIFICATE_VERIFY, SERVER) + record(FINISHED, SERVER)
    else:
        seed += record(CERTIFICATE, SERVER, blobs(server)) + record(CERTIFICATE_REQUEST, SERVER, blobs(names))
        seed += record(SERVER_HELLO_DONE, SERVER)
    seed += record(CERTIFICATE, 0, blobs(client)) + record(CERTIFICATE_VERIFY, 0) + record(FINISHED, 0)
    seed += record(NEW_SESSION_TICKET, SERVER) if tls13 else record(FINISHED, SERVER)
    return seed + record(ALERT, SERVER, bytes([3, 49]))


def main():
    corpus, captures = sys.argv[1], sys.argv[2:]
    os.makedirs(corpus, exist_ok=True)
    written = 0
    for capture in captures:
        for chain_by_side in chains(capture).values():
            for tls13 in (False, True):
                seed = handshake(chain_by_side, tls13)
                with open(os.path.join(corpus, hashlib.sha1(seed).hexdigest()), "wb") as out:
                    out.write(seed)
                written += 1
    print(f"{corpus}: {written} seeds from {len(captures)} captures")


if __name__ == "__main__":
    main()
