#!/usr/bin/env python3
# make-capture.py - writes the benchmark's large capture: many mTLS handshakes
# on distinct TCP streams, interleaved, with bulk application data and non-TLS
# (DNS over UDP) traffic between them.
#
# Every handshake is a real one: the TCP streams of the generator's captures in
# pcaps/ (OpenSSL peers on loopback) are replayed under new client addresses
# and ports, so the capture holds a handful of distinct client certificates, as
# a load balancer's capture does. Bulk data is more of the stream's own
# Application Data records, with sequence and acknowledgement numbers moved on
# so that TCP sees neither gaps nor retransmissions.
#
# Workloads:
#   mixed            a load balancer's day: most handshakes accepted, some of
#                    each common failure (the default)
#   failing          a misconfigured fleet retrying: nearly every handshake
#                    rejected (about 5% accepted), with ECDSA and RSA clients
#   long-connection  one accepted mTLS connection carrying --bulk Application
#                    Data records (one handshake, many frames)
#   distinct-certificates
#                    a gateway's many clients (default 20,000 handshakes): the
#                    accepted TLS 1.2 handshake of tls12-good-chain.pcapng with
#                    a different client certificate in each, all under one
#                    issuing CA with the original's subject, so certificate
#                    caches rarely hit and the verdict stays the original's.
#                    Needs Python's cryptography package; the CA, the leaves
#                    and their keys are made once and kept in --pki-cache.
#   replay           every TCP capture of pcaps/, pcaps/stacks/,
#                    pcaps/protocols/ and pcaps/real/, copied round after round
#                    until about --handshakes TCP streams (default 2,000): real
#                    chains, CA lists and record layouts. Each copy has its own
#                    client address and ports and keeps its capture's own day
#                    (shifted by a second a round), so frame times are not in
#                    order across captures. UDP (DTLS) captures are skipped,
#                    and the keys some pcapngs embed (Decryption Secrets
#                    Blocks) are not copied: the benchmark reads without keys.
#
# usage: make-capture.py OUTPUT.pcap [--workload W] [--handshakes N] [--bulk N] [--dns-every N]
#                        [--pki-cache DIR]
#
# SPDX-License-Identifier: GPL-2.0-or-later
import argparse
import glob
import json
import os
import struct
import sys

PCAPS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pcaps")

# (capture, weight) per workload.
MIXED = [
    ("tls12-good-chain.pcapng", 10),
    ("tls12-good-full-chain.pcapng", 4),
    ("tls12-missing-intermediate.pcapng", 2),
    ("tls12-issuer-not-accepted.pcapng", 1),
    ("tls12-expired.pcapng", 1),
    ("tls12-self-signed.pcapng", 1),
    ("tls12-empty-certificate.pcapng", 1),
]
# Rejected with a client certificate (so with a CertificateVerify to judge),
# the RSA client (tls12-weak-key, RSA-1024) beside the ECDSA (P-256) ones, and
# a few empty Certificates and accepted handshakes.
FAILING = [
    ("tls12-missing-intermediate.pcapng", 6),
    ("tls12-weak-key.pcapng", 4),
    ("tls12-issuer-not-accepted.pcapng", 2),
    ("tls12-empty-certificate.pcapng", 2),
    ("tls12-self-signed.pcapng", 1),
    ("tls12-expired.pcapng", 1),
    ("tls12-untrusted-root-no-ca-names.pcapng", 1),
    ("tls12-certificate-unknown.pcapng", 1),
    ("tls12-not-a-ca.pcapng", 1),
    ("tls12-good-chain.pcapng", 1),
]
LONG_CONNECTION = [("tls12-good-chain.pcapng", 1)]
DISTINCT_CERTIFICATES = [("tls12-good-chain.pcapng", 1)]
WORKLOADS = {"mixed": MIXED, "failing": FAILING, "long-connection": LONG_CONNECTION,
             "distinct-certificates": DISTINCT_CERTIFICATES, "replay": None}
DEFAULT_HANDSHAKES = {"distinct-certificates": 20_000, "replay": 2_000}  # else 50,000
REPLAY_FOLDERS = ["*.pcap*", "stacks/*.pcap*", "protocols/*.pcap*", "real/*.pcap*"]

ETHERNET_HEADER = 14
TCP_ACK = 0x10
TLS_APPLICATION_DATA = 0x17
CONCURRENT_HANDSHAKES = 64
PACKET_INTERVAL_NS = 20_000


TCP_SYN = 0x02
TLS_HANDSHAKE = 0x16
TLS_CERTIFICATE = 11
REPLAY_ROUND_NS = 10**9


class Unreadable(Exception):
    """A capture the replayer cannot take (its reason goes to stderr)."""


# ---- Reading captures: pcap and pcapng, any byte order, frames made Ethernet ----

def ethernet_frame(link_type, frame):
    """The frame with an Ethernet header in front of its IP packet, whatever
    the link type it was captured on (and without a VLAN tag), or None when it
    carries no IP."""
    if link_type == 1:  # Ethernet
        ether_type, header = frame[12:14], 14
        while ether_type in (b"\x81\x00", b"\x88\xa8") and len(frame) >= header + 4:
            ether_type, header = frame[header + 2:header + 4], header + 4
    elif link_type == 113:  # Linux cooked (SLL)
        ether_type, header = frame[14:16], 16
    elif link_type == 276:  # Linux cooked v2 (SLL2)
        ether_type, header = frame[0:2], 20
    elif link_type in (0, 108):  # BSD loopback: address family in host (0) or network (108) order
        family = struct.unpack("<I" if link_type == 0 else ">I", frame[:4])[0] if len(frame) >= 4 else 0
        ether_type, header = (b"\x08\x00" if family == 2 else b"\x86\xdd"), 4
    elif link_type in (101, 228, 229):  # raw IP
        ether_type, header = (b"\x08\x00" if frame[:1] and frame[0] >> 4 == 4 else b"\x86\xdd"), 0
    else:
        raise Unreadable(f"link type {link_type} not handled")
    if ether_type not in (b"\x08\x00", b"\x86\xdd"):
        return None
    return b"\0" * 12 + ether_type + frame[header:]


def read_pcap(data):
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        order = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = ">"
    else:
        raise Unreadable("neither pcap nor pcapng")
    nanoseconds = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    link_type = struct.unpack_from(order + "I", data, 20)[0] & 0x0FFFFFFF
    packets, offset = [], 24
    while offset + 16 <= len(data):
        seconds, fraction, captured, _ = struct.unpack_from(order + "IIII", data, offset)
        frame = data[offset + 16:offset + 16 + captured]
        packets.append((seconds * 10**9 + (fraction if nanoseconds else fraction * 1000), link_type, frame))
        offset += 16 + captured
    return packets


def interface_ticks_per_second(block, order="<"):
    """From an Interface Description Block's if_tsresol option (default: microseconds)."""
    offset = 16
    while offset + 4 <= len(block) - 4:
        code, length = struct.unpack_from(order + "HH", block, offset)
        if code == 0:
            break
        if code == 9 and length == 1:
            resolution = block[offset + 4]
            return 2 ** (resolution & 0x7F) if resolution & 0x80 else 10**resolution
        offset += 4 + (length + 3) // 4 * 4
    return 10**6


def read_pcapng(data):
    """Enhanced (and obsolete) Packet Blocks, each with its interface's link type
    and time resolution; a new Section Header Block starts the interfaces again."""
    packets, offset, order, interfaces = [], 0, "<", []
    while offset + 12 <= len(data):
        block_type = struct.unpack_from(order + "I", data, offset)[0]
        if block_type == 0x0A0D0D0A:
            order = "<" if data[offset + 8:offset + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            interfaces = []
        block_length = struct.unpack_from(order + "I", data, offset + 4)[0]
        if block_length < 12:
            raise Unreadable(f"malformed pcapng block at {offset}")
        block = data[offset:offset + block_length]
        if block_type == 1:
            link_type = struct.unpack_from(order + "H", block, 8)[0]
            interfaces.append((link_type, interface_ticks_per_second(block, order)))
        elif block_type in (6, 2):
            interface = struct.unpack_from(order + ("I" if block_type == 6 else "H"), block, 8)[0]
            high, low, captured = struct.unpack_from(order + "III", block, 12)
            link_type, ticks = interfaces[interface]
            packets.append(((high << 32 | low) * 10**9 // ticks, link_type, block[28:28 + captured]))
        offset += block_length
    return packets


def read_capture(path):
    """(nanoseconds, Ethernet frame) of every IP packet of a pcap or pcapng file."""
    with open(path, "rb") as file:
        data = file.read()
    packets = read_pcapng(data) if data[:4] == b"\x0a\x0d\x0d\x0a" else read_pcap(data)
    frames = ((time_ns, ethernet_frame(link_type, frame)) for time_ns, link_type, frame in packets)
    return [(time_ns, frame) for time_ns, frame in frames if frame is not None]


def is_ipv4_tcp(frame):
    return len(frame) > 34 and frame[12:14] == b"\x08\x00" and frame[23] == 6


def is_udp(frame):
    return (len(frame) > 34 and frame[12:14] == b"\x08\x00" and frame[23] == 17) or \
        (len(frame) > 54 and frame[12:14] == b"\x86\xdd" and frame[20] == 17)


# ---- Template streams ----

class Segment:
    """One IPv4/TCP packet of a template stream, split where it is rewritten."""

    def __init__(self, frame, client=None):
        ip = ETHERNET_HEADER
        ip_header = (frame[ip] & 0x0F) * 4
        tcp = ip + ip_header
        tcp_header = (frame[tcp + 12] >> 4) * 4
        self.frame = bytearray(frame)
        self.ip, self.tcp = ip, tcp
        self.payload = frame[tcp + tcp_header:]
        self.source = frame[ip + 12:ip + 16], struct.unpack_from("!H", frame, tcp)[0]
        self.destination = frame[ip + 16:ip + 20], struct.unpack_from("!H", frame, tcp + 2)[0]
        self.from_client = self.source == client
        self.seq, self.ack = struct.unpack_from("!II", frame, tcp + 4)
        self.flags = frame[tcp + 13]

    def with_payload(self, payload):
        """The same segment carrying another payload (the IP length follows)."""
        header = bytes(self.frame[:len(self.frame) - len(self.payload)])
        frame = bytearray(header + payload)
        struct.pack_into("!H", frame, self.ip + 2, len(frame) - self.ip)
        copy = Segment(bytes(frame))
        copy.from_client = self.from_client
        return copy


class Template:
    def __init__(self, path, smallest_bulk=False):
        packets = [(t, f) for t, f in read_capture(path) if is_ipv4_tcp(f)]
        if not packets:
            sys.exit(f"{path}: no IPv4/TCP packets")
        # Certificates are judged at capture time: the copies keep the template's day.
        self.time = packets[0][0] // 10**9
        frames = [f for _, f in packets]
        first = Segment(frames[0])
        self.segments = [Segment(f, first.source) for f in frames]
        # An Application Data segment is repeated as bulk data: the server's
        # largest, or either side's smallest where the count of records
        # matters, not their bytes.
        self.bulk_index = None
        for index, segment in enumerate(self.segments):
            if (smallest_bulk or not segment.from_client) and segment.payload[:1] == bytes([TLS_APPLICATION_DATA]):
                if self.bulk_index is None:
                    self.bulk_index = index
                    continue
                current = len(self.segments[self.bulk_index].payload)
                if (len(segment.payload) < current) if smallest_bulk else (len(segment.payload) > current):
                    self.bulk_index = index

    def client_certificate(self):
        """Where the client's Certificate message is: (segment index, record
        offset, message offset, message body length) within one segment's
        payload, as OpenSSL on loopback sends it (records start segments)."""
        for index, segment in enumerate(self.segments):
            payload, record = segment.payload, 0
            while segment.from_client and record + 5 <= len(payload):
                content_type, length = payload[record], struct.unpack_from("!H", payload, record + 3)[0]
                end = min(record + 5 + length, len(payload))
                message = record + 5
                while content_type == TLS_HANDSHAKE and message + 4 <= end:
                    body_length = int.from_bytes(payload[message + 1:message + 4], "big")
                    if payload[message] == TLS_CERTIFICATE:
                        if message + 4 + body_length > end:
                            sys.exit("make-capture: the client's Certificate message spans segments")
                        return index, record, message, body_length
                    message += 4 + body_length
                record += 5 + length
        sys.exit("make-capture: no client Certificate message in the template")


def certificate_list(body):
    """The DER certificates of a TLS 1.2 Certificate message body."""
    certificates, offset = [], 3
    while offset + 3 <= len(body):
        length = int.from_bytes(body[offset:offset + 3], "big")
        certificates.append(bytes(body[offset + 3:offset + 3 + length]))
        offset += 3 + length
    return certificates


def certificate_message(certificates):
    entries = b"".join(len(der).to_bytes(3, "big") + der for der in certificates)
    body = len(entries).to_bytes(3, "big") + entries
    return bytes([TLS_CERTIFICATE]) + len(body).to_bytes(3, "big") + body


def replace_certificate(template, place, certificates):
    """The template's client Certificate segment with other certificates, and
    by how many bytes it grew: record and handshake lengths rewritten."""
    index, record, message, body_length = place
    segment = template.segments[index]
    payload = bytearray(segment.payload)
    new_message = certificate_message(certificates)
    growth = len(new_message) - (4 + body_length)
    payload[message:message + 4 + body_length] = new_message
    record_length = struct.unpack_from("!H", payload, record + 3)[0] + growth
    if record_length > 2**14 + 2048:
        sys.exit("make-capture: the new Certificate message does not fit one TLS record")
    struct.pack_into("!H", payload, record + 3, record_length)
    return segment.with_payload(bytes(payload)), growth


# ---- A PKI of many client certificates (distinct-certificates) ----

def make_pki(cache_dir, template_chain, count):
    """The issuing CA certificate and `count` leaves, each with its own subject,
    cloned from the template's chain (same CA subjects, extensions and
    validity) under a fresh root and issuing key pair, as only the template's
    certificates, not its keys, are committed. Kept in cache_dir and only
    extended on a rerun; remade if the template's certificates change."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, rsa
        from cryptography.x509.oid import NameOID
    except ImportError:
        sys.exit("make-capture: distinct-certificates needs Python's cryptography package (python3-cryptography)")
    import hashlib

    leaf, issuing = (x509.load_der_x509_certificate(der) for der in template_chain[:2])
    with open(os.path.join(PCAPS, "pki", "root.pem"), "rb") as file:
        root = x509.load_pem_x509_certificate(file.read())
    if issuing.issuer != root.subject or leaf.issuer != issuing.subject:
        sys.exit("make-capture: the template's chain is not leaf, issuing CA under pcaps/pki/root.pem")
    source = hashlib.sha256(b"".join(template_chain[:2]) + root.public_bytes(serialization.Encoding.DER)).hexdigest()

    def new_key(like):
        public = like.public_key()
        if isinstance(public, ec.EllipticCurvePublicKey):
            return ec.generate_private_key(public.curve)
        return rsa.generate_private_key(65537, public.key_size)

    def validity(certificate, bound):  # cryptography 42 renamed the fields (*_utc)
        return getattr(certificate, bound + "_utc", None) or getattr(certificate, bound)

    def clone(original, subject, public_key, signer_key, signer_public, serial):
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(original.issuer)
                   .public_key(public_key).serial_number(serial)
                   .not_valid_before(validity(original, "not_valid_before"))
                   .not_valid_after(validity(original, "not_valid_after")))
        for extension in original.extensions:
            value = extension.value
            # Key identifiers name keys: recomputed for the new ones.
            if isinstance(value, x509.SubjectKeyIdentifier):
                value = x509.SubjectKeyIdentifier.from_public_key(public_key)
            elif isinstance(value, x509.AuthorityKeyIdentifier):
                value = x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_public)
            builder = builder.add_extension(value, extension.critical)
        return builder.sign(signer_key, original.signature_hash_algorithm)

    def pem_key(key):
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())

    os.makedirs(cache_dir, exist_ok=True)
    state_path, leaves_path = os.path.join(cache_dir, "pki.json"), os.path.join(cache_dir, "leaves.der")
    state = None
    if os.path.exists(state_path) and os.path.exists(leaves_path):
        with open(state_path) as file:
            state = json.load(file)
        if state.get("source") != source:
            state = None
    if state is None:
        root_key, issuing_key, leaf_key = new_key(root), new_key(issuing), new_key(leaf)
        new_root = clone(root, root.subject, root_key.public_key(), root_key, root_key.public_key(), x509.random_serial_number())
        new_issuing = clone(issuing, issuing.subject, issuing_key.public_key(), root_key, root_key.public_key(),
                            x509.random_serial_number())
        state = {"source": source, "count": 0,
                 "root": new_root.public_bytes(serialization.Encoding.PEM).decode(),
                 "issuing": new_issuing.public_bytes(serialization.Encoding.PEM).decode(),
                 "issuing_key": pem_key(issuing_key).decode(), "leaf_key": pem_key(leaf_key).decode()}
        open(leaves_path, "wb").close()
    if state["count"] < count:
        issuing_key = serialization.load_pem_private_key(state["issuing_key"].encode(), None)
        leaf_key = serialization.load_pem_private_key(state["leaf_key"].encode(), None)
        # One leaf key for all: the CertificateVerify of an accepted handshake is
        # not checked, and key generation would cost more than signing.
        with open(leaves_path, "ab") as out:
            for number in range(state["count"], count):
                subject = x509.Name([attribute if attribute.oid != NameOID.COMMON_NAME else
                                     x509.NameAttribute(NameOID.COMMON_NAME, f"bench-client-{number:06d}",
                                                        _type=attribute._type)  # the original's string type
                                     for attribute in leaf.subject])
                der = clone(leaf, subject, leaf_key.public_key(), issuing_key, issuing_key.public_key(),
                            number + 1).public_bytes(serialization.Encoding.DER)
                out.write(struct.pack("!I", len(der)) + der)
        state["count"] = count
        with open(state_path + ".new", "w") as file:
            json.dump(state, file)
        os.replace(state_path + ".new", state_path)
    leaves = []
    with open(leaves_path, "rb") as file:
        data = file.read()
    offset = 0
    while len(leaves) < count:
        length = struct.unpack_from("!I", data, offset)[0]
        leaves.append(data[offset + 4:offset + 4 + length])
        offset += 4 + length
    issuing_der = x509.load_pem_x509_certificate(state["issuing"].encode()).public_bytes(serialization.Encoding.DER)
    return issuing_der, leaves


# ---- Writing copies ----

def ipv4_checksum(header):
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def client_address(number):
    return bytes([127, 1 + (number >> 16) % 254, (number >> 8) & 0xFF, number & 0xFF])


def rewrite(segment, client_ip, client_port, client_shift, server_shift, seq_override=None):
    """The segment's frame for another client, with each side's TCP numbers
    moved on by the bytes of bulk data (or of a longer Certificate) that side
    has sent before it."""
    frame = bytearray(segment.frame)
    ip, tcp = segment.ip, segment.tcp
    address_offset, port_offset = (12, 0) if segment.from_client else (16, 2)
    frame[ip + address_offset:ip + address_offset + 4] = client_ip
    struct.pack_into("!H", frame, tcp + port_offset, client_port)
    own_shift, peer_shift = (client_shift, server_shift) if segment.from_client else (server_shift, client_shift)
    seq = (segment.seq + own_shift) & 0xFFFFFFFF if seq_override is None else seq_override
    ack = (segment.ack + peer_shift) & 0xFFFFFFFF if segment.flags & TCP_ACK else segment.ack
    struct.pack_into("!II", frame, tcp + 4, seq, ack)
    struct.pack_into("!H", frame, ip + 10, 0)
    struct.pack_into("!H", frame, ip + 10, ipv4_checksum(bytes(frame[ip:tcp])))
    return bytes(frame)


def handshake_frames(template, number, bulk, certificate=None):
    """The frames of the `number`th handshake (a new client address and port),
    with `certificate` = (segment index, replacement segment, growth) in place
    of the template's client Certificate segment."""
    client_ip = client_address(number)
    client_port = 32768 + number % 28000  # the ephemeral range: no well-known port
    shifts = {True: 0, False: 0}  # by from_client
    for index, segment in enumerate(template.segments):
        if certificate and index == certificate[0]:
            yield None, rewrite(certificate[1], client_ip, client_port, shifts[True], shifts[False])
            # The client's later bytes, and the server's acknowledgements of them, move on.
            shifts[True] += certificate[2]
            continue
        yield None, rewrite(segment, client_ip, client_port, shifts[True], shifts[False])
        if index == template.bulk_index:
            length = len(segment.payload)
            for copy in range(bulk):
                seq = (segment.seq + shifts[segment.from_client] + length * (copy + 1)) & 0xFFFFFFFF
                yield None, rewrite(segment, client_ip, client_port, shifts[True], shifts[False], seq_override=seq)
            shifts[segment.from_client] += bulk * length


class ReplayCapture:
    """Every IPv4/TCP stream of one capture, each packet with its time and
    stream; the client of a stream is the sender of its SYN, or of its first
    packet when the capture starts after the SYN."""

    def __init__(self, path):
        packets = read_capture(path)
        tcp = [(time_ns, frame) for time_ns, frame in packets if is_ipv4_tcp(frame)]
        if not tcp:
            kind = "UDP (DTLS or QUIC)" if any(is_udp(frame) for _, frame in packets) else "no IPv4/TCP"
            raise Unreadable(f"{kind}, skipped")
        self.packets, streams = [], {}
        for time_ns, frame in tcp:
            segment = Segment(frame)
            key = frozenset((segment.source, segment.destination))
            if key not in streams:
                syn_ack = segment.flags & (TCP_SYN | TCP_ACK) == TCP_SYN | TCP_ACK
                streams[key] = (len(streams), segment.destination if syn_ack else segment.source)
            number, client = streams[key]
            segment.from_client = segment.source == client
            self.packets.append((time_ns, segment, number))
        self.streams = len(streams)


def replay_frames(capture, number, shift_ns):
    """One copy of a whole capture: its own client address, a port per stream,
    the capture's times moved on by shift_ns."""
    client_ip = client_address(number)
    for time_ns, segment, stream in capture.packets:
        client_port = 32768 + (number * 16 + stream) % 28000
        yield time_ns + shift_ns, rewrite(segment, client_ip, client_port, 0, 0)


# ---- DNS between the handshakes ----
def dns_pair(number):
    """A DNS query for an A record and its answer, between two loopback hosts."""
    name = b"".join(bytes([len(label)]) + label for label in (b"api%d" % (number % 50), b"example", b"test")) + b"\0"
    transaction = number & 0xFFFF
    query = struct.pack("!HHHHHH", transaction, 0x0100, 1, 0, 0, 0) + name + struct.pack("!HH", 1, 1)
    answer = (struct.pack("!HHHHHH", transaction, 0x8180, 1, 1, 0, 0) + name + struct.pack("!HH", 1, 1)
              + struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + bytes([127, 0, 0, 10]))
    client, server = bytes([127, 0, 0, 2]), bytes([127, 0, 0, 53])
    port = 20000 + number % 40000
    return [udp_frame(client, port, server, 53, query), udp_frame(server, 53, client, port, answer)]


def udp_frame(source, source_port, destination, destination_port, payload):
    udp = struct.pack("!HHHH", source_port, destination_port, 8 + len(payload), 0) + payload
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, source, destination))
    struct.pack_into("!H", ip, 10, ipv4_checksum(bytes(ip)))
    return b"\0" * 12 + b"\x08\x00" + bytes(ip) + udp


def replay_captures():
    """The captures replay copies, with a note on stderr for each one skipped."""
    captures = []
    for pattern in REPLAY_FOLDERS:
        for path in sorted(glob.glob(os.path.join(PCAPS, pattern))):
            try:
                captures.append(ReplayCapture(path))
            except (Unreadable, struct.error, IndexError, KeyError) as error:
                print(f"make-capture: replay: {os.path.relpath(path, PCAPS)}: {error or 'unreadable'}", file=sys.stderr)
    if not captures:
        sys.exit("make-capture: replay: no TCP capture found")
    return captures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("output")
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="mixed")
    parser.add_argument("--handshakes", type=int, help="handshakes (TCP streams for replay); default 50,000, "
                        "20,000 for distinct-certificates, 2,000 for replay")
    parser.add_argument("--bulk", type=int, default=6, help="extra Application Data segments per accepted handshake")
    parser.add_argument("--dns-every", type=int, default=8,
                        help="a DNS query and answer after every N TLS/TCP packets (0: none)")
    parser.add_argument("--pki-cache", metavar="DIR", help="where distinct-certificates keeps its CA and leaves "
                        "(default: distinct-certificates-pki beside OUTPUT)")
    options = parser.parse_args()
    handshakes = options.handshakes if options.handshakes is not None else \
        DEFAULT_HANDSHAKES.get(options.workload, 50_000)

    # Each source yields the frames of one handshake (or one copy of a capture)
    # as (time or None for the running clock, frame).
    if options.workload == "replay":
        captures = replay_captures()

        def sources():
            copies = streams = 0
            while streams < handshakes:
                for capture in captures:
                    if streams >= handshakes:
                        return
                    # A round later by a second: the copies keep their capture's day.
                    yield replay_frames(capture, copies, copies // len(captures) * REPLAY_ROUND_NS)
                    copies += 1
                    streams += capture.streams
        time_ns = 0
    else:
        templates = []
        for name, weight in WORKLOADS[options.workload]:
            template = Template(os.path.join(PCAPS, name), smallest_bulk=options.workload == "long-connection")
            templates += [template] * weight
        time_ns = min(template.time for template in templates) * 10**9
        leaves = None
        if options.workload == "distinct-certificates":
            template = templates[0]
            place = template.client_certificate()
            segment = template.segments[place[0]]
            chain = certificate_list(segment.payload[place[2] + 4:place[2] + 4 + place[3]])
            cache = options.pki_cache or os.path.join(os.path.dirname(os.path.abspath(options.output)),
                                                      "distinct-certificates-pki")
            issuing, leaves = make_pki(cache, chain, handshakes)

        def sources():
            for number in range(handshakes):
                template = templates[number % len(templates)]
                certificate = None
                if leaves is not None:
                    certificate = (place[0], *replace_certificate(template, place, [leaves[number], issuing]))
                yield handshake_frames(template, number, options.bulk, certificate)

    packets = tls_packets = 0
    with open(options.output, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1))  # nanosecond pcap, Ethernet

        def write(frame, frame_time_ns=None):
            nonlocal packets, time_ns
            time_ns += PACKET_INTERVAL_NS
            stamp = time_ns if frame_time_ns is None else frame_time_ns
            out.write(struct.pack("<IIII", stamp // 10**9, stamp % 10**9, len(frame), len(frame)))
            out.write(frame)
            packets += 1

        # Handshakes run side by side, one packet of each in turn, as on a busy server.
        active, pending = [], sources()
        more = True
        while active or more:
            while more and len(active) < CONCURRENT_HANDSHAKES:
                stream = next(pending, None)
                if stream is None:
                    more = False
                else:
                    active.append(stream)
            for stream in list(active):
                item = next(stream, None)
                if item is None:
                    active.remove(stream)
                    continue
                frame_time_ns, frame = item
                write(frame, frame_time_ns)
                tls_packets += 1
                if options.dns_every and tls_packets % options.dns_every == 0:
                    for dns in dns_pair(tls_packets):
                        # Beside a replayed frame, at its time.
                        write(dns, frame_time_ns)
    print(f"{options.output}: {packets} packets, {handshakes if options.workload != 'replay' else 'about %d' % handshakes} "
          f"handshakes (TCP streams), {packets - tls_packets} DNS packets")


if __name__ == "__main__":
    main()
