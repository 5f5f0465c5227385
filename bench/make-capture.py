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
# Three workloads:
#   mixed            a load balancer's day: most handshakes accepted, some of
#                    each common failure (the default)
#   failing          a misconfigured fleet retrying: nearly every handshake
#                    rejected (about 5% accepted), with ECDSA and RSA clients
#   long-connection  one accepted mTLS connection carrying --bulk Application
#                    Data records (one handshake, many frames)
#
# usage: make-capture.py OUTPUT.pcap [--workload W] [--handshakes N] [--bulk N] [--dns-every N]
#
# SPDX-License-Identifier: GPL-2.0-or-later
import argparse
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
WORKLOADS = {"mixed": MIXED, "failing": FAILING, "long-connection": LONG_CONNECTION}

ETHERNET_HEADER = 14
TCP_ACK = 0x10
TLS_APPLICATION_DATA = 0x17
CONCURRENT_HANDSHAKES = 64
PACKET_INTERVAL_NS = 20_000


def interface_ticks_per_second(block):
    """From an Interface Description Block's if_tsresol option (default: microseconds)."""
    offset = 16
    while offset + 4 <= len(block) - 4:
        code, length = struct.unpack_from("<HH", block, offset)
        if code == 0:
            break
        if code == 9 and length == 1:
            resolution = block[offset + 4]
            return 2 ** (resolution & 0x7F) if resolution & 0x80 else 10**resolution
        offset += 4 + (length + 3) // 4 * 4
    return 10**6


def read_pcapng_packets(path):
    """The Enhanced Packet Blocks of a little-endian, Ethernet pcapng with one
    interface (as the generator's dumpcap writes): (seconds, frame) each."""
    with open(path, "rb") as file:
        data = file.read()
    packets, offset, ticks_per_second = [], 0, 10**6
    while offset + 12 <= len(data):
        block_type, block_length = struct.unpack_from("<II", data, offset)
        if block_length < 12:
            sys.exit(f"{path}: malformed pcapng block at {offset}")
        if block_type == 1:
            ticks_per_second = interface_ticks_per_second(data[offset:offset + block_length])
        elif block_type == 6:
            high, low, captured = struct.unpack_from("<III", data, offset + 12)
            packets.append(((high << 32 | low) // ticks_per_second, data[offset + 28:offset + 28 + captured]))
        offset += block_length
    return packets


class Segment:
    """One IPv4/TCP packet of a template stream, split where it is rewritten."""

    def __init__(self, frame, client):
        ip = ETHERNET_HEADER
        ip_header = (frame[ip] & 0x0F) * 4
        tcp = ip + ip_header
        tcp_header = (frame[tcp + 12] >> 4) * 4
        self.frame = bytearray(frame)
        self.ip, self.tcp = ip, tcp
        self.payload = frame[tcp + tcp_header:]
        source = frame[ip + 12:ip + 16], struct.unpack_from("!H", frame, tcp)[0]
        self.from_client = source == client
        self.seq, self.ack = struct.unpack_from("!II", frame, tcp + 4)
        self.flags = frame[tcp + 13]


class Template:
    def __init__(self, path, smallest_bulk=False):
        packets = [(t, f) for t, f in read_pcapng_packets(path) if len(f) > 34 and f[12:14] == b"\x08\x00" and f[23] == 6]
        if not packets:
            sys.exit(f"{path}: no IPv4/TCP packets")
        # Certificates are judged at capture time: the copies keep the template's day.
        self.time = packets[0][0]
        frames = [f for _, f in packets]
        first = frames[0]
        tcp = ETHERNET_HEADER + (first[ETHERNET_HEADER] & 0x0F) * 4
        client = first[26:30], struct.unpack_from("!H", first, tcp)[0]
        self.segments = [Segment(f, client) for f in frames]
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


def ipv4_checksum(header):
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def rewrite(segment, client_ip, client_port, client_shift, server_shift, seq_override=None):
    """The segment's frame for another client, with each side's TCP numbers
    moved on by the bytes of bulk data that side has sent before it."""
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


def handshake_frames(template, number, bulk):
    """The frames of the `number`th handshake (a new client address and port)."""
    client_ip = bytes([127, 1 + (number >> 16) % 254, (number >> 8) & 0xFF, number & 0xFF])
    client_port = 32768 + number % 28000  # the ephemeral range: no well-known port
    shifts = {True: 0, False: 0}  # by from_client
    for index, segment in enumerate(template.segments):
        yield rewrite(segment, client_ip, client_port, shifts[True], shifts[False])
        if index == template.bulk_index:
            length = len(segment.payload)
            for copy in range(bulk):
                seq = (segment.seq + shifts[segment.from_client] + length * (copy + 1)) & 0xFFFFFFFF
                yield rewrite(segment, client_ip, client_port, shifts[True], shifts[False], seq_override=seq)
            shifts[segment.from_client] += bulk * length


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("output")
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="mixed")
    parser.add_argument("--handshakes", type=int, default=50_000)
    parser.add_argument("--bulk", type=int, default=6, help="extra Application Data segments per accepted handshake")
    parser.add_argument("--dns-every", type=int, default=8,
                        help="a DNS query and answer after every N TLS/TCP packets (0: none)")
    options = parser.parse_args()

    templates = []
    for name, weight in WORKLOADS[options.workload]:
        template = Template(os.path.join(PCAPS, name), smallest_bulk=options.workload == "long-connection")
        templates += [template] * weight

    packets = tls_packets = 0
    time_ns = min(template.time for template in templates) * 10**9
    with open(options.output, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1))  # nanosecond pcap, Ethernet

        def write(frame):
            nonlocal packets, time_ns
            time_ns += PACKET_INTERVAL_NS
            out.write(struct.pack("<IIII", time_ns // 10**9, time_ns % 10**9, len(frame), len(frame)))
            out.write(frame)
            packets += 1

        # Handshakes run side by side, one packet of each in turn, as on a busy server.
        active, started = [], 0
        while active or started < options.handshakes:
            while len(active) < CONCURRENT_HANDSHAKES and started < options.handshakes:
                template = templates[started % len(templates)]
                active.append(handshake_frames(template, started, options.bulk))
                started += 1
            for stream in list(active):
                frame = next(stream, None)
                if frame is None:
                    active.remove(stream)
                    continue
                write(frame)
                tls_packets += 1
                if options.dns_every and tls_packets % options.dns_every == 0:
                    for dns in dns_pair(tls_packets):
                        write(dns)
    print(f"{options.output}: {packets} packets, {options.handshakes} handshakes on as many TCP streams, "
          f"{packets - tls_packets} DNS packets")


if __name__ == "__main__":
    main()
