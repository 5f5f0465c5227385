/* fuzz_events.c - libFuzzer target over the analyzer's public API: any
 * sequence of events, in any order, from either side, with arbitrary
 * certificates (DER), CA-name lists, versions, alerts and compressed
 * certificates, on several streams of one capture. The analyzer must neither
 * crash nor leak, and every handshake it returns must answer its summary,
 * verdict and findings.
 *
 * Input: a series of records, each
 *   kind (1 byte) | flags (1 byte: bit 0 server sends, bits 1-2 stream, bit 3 the payload is also the
 *   handshake message's bytes) | length (2 bytes, big endian) | payload
 * The payload is read per kind; blobs inside it are uint16-length prefixed. A CertificateVerify and
 * any other handshake message always carry the payload as their bytes, so the transcript and the
 * signature check see arbitrary messages.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mtls_analyzer.h"

#define STREAMS 4
#define MAX_BLOBS 128
#define MAX_VERSIONS 16

typedef struct {
    const uint8_t *data;
    size_t length;
} reader;

static bool take(reader *in, size_t count, const uint8_t **out)
{
    if (in->length < count)
        return false;
    *out = in->data;
    in->data += count;
    in->length -= count;
    return true;
}

static uint32_t take_number(reader *in, size_t bytes)
{
    const uint8_t *p;
    uint32_t value = 0;
    if (!take(in, bytes, &p))
        return 0;
    for (size_t i = 0; i < bytes; i++)
        value = value << 8 | p[i];
    return value;
}

/* uint16-length-prefixed blobs until the payload ends. */
static size_t take_blobs(reader *in, mtls_blob *blobs)
{
    size_t count = 0;
    while (in->length >= 2 && count < MAX_BLOBS) {
        size_t length = take_number(in, 2);
        if (length > in->length)
            length = in->length;
        take(in, length, &blobs[count].data);
        blobs[count].length = length;
        count++;
    }
    return count;
}

/* Codes, message types and words the answer classifiers tell apart, valid and not. */
static const char *const answer_words[] = {NULL, "200", "400", "401", "403", "0403", "4030", "101", "28000",
                                           "1045", "0", "2", "5", "255", "421", "49", "Error", "FATAL",
                                           "Authentication request", "4.7.1 No client certificate presented", ""};
#define ANSWER_WORD_COUNT (sizeof answer_words / sizeof answer_words[0])

static void feed_record(mtls_stream *stream, uint32_t frame, const char *sender, uint8_t kind, bool with_bytes,
                        reader payload)
{
    static const char *const server_names[] = {NULL, "api.example.test", ""};
    mtls_blob blobs[MAX_BLOBS];
    uint16_t versions[MAX_VERSIONS];
    mtls_event event;
    memset(&event, 0, sizeof event);
    event.kind = (mtls_event_kind)(kind % (MTLS_EVENT_UNREAD_DATA + 1));
    if (with_bytes || event.kind == MTLS_EVENT_CERTIFICATE_VERIFY || event.kind == MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE)
        event.message = (mtls_blob){payload.data, payload.length};
    switch (event.kind) {
    case MTLS_EVENT_CLIENT_HELLO: {
        event.u.client_hello.legacy_version = (uint16_t)take_number(&payload, 2);
        event.u.client_hello.server_name = server_names[take_number(&payload, 1) % 3];
        size_t count = 0;
        while (payload.length >= 2 && count < MAX_VERSIONS)
            versions[count++] = (uint16_t)take_number(&payload, 2);
        /* The same numbers serve as versions, cipher suites and signature schemes. */
        event.u.client_hello.supported_versions = versions;
        event.u.client_hello.supported_version_count = count;
        event.u.client_hello.cipher_suites = versions;
        event.u.client_hello.cipher_suite_count = count;
        event.u.client_hello.signature_algorithms = versions + count / 2;
        event.u.client_hello.signature_algorithm_count = count - count / 2;
        event.u.client_hello.record_version = count ? versions[0] : 0;
        event.u.client_hello.offers_post_handshake_auth = count % 2;
        break;
    }
    case MTLS_EVENT_SERVER_HELLO: {
        const uint8_t *random = NULL;
        event.u.server_hello.legacy_version = (uint16_t)take_number(&payload, 2);
        event.u.server_hello.selected_version = (uint16_t)take_number(&payload, 2);
        event.u.server_hello.psk_accepted = take_number(&payload, 1) & 1;
        event.u.server_hello.cipher_suite = (uint16_t)take_number(&payload, 2);
        event.u.server_hello.random = take(&payload, 32, &random) ? random : NULL;
        break;
    }
    case MTLS_EVENT_CERTIFICATE_REQUEST: {
        size_t count = take_number(&payload, 1) % MAX_VERSIONS;
        for (size_t i = 0; i < count; i++)
            versions[i] = (uint16_t)take_number(&payload, 2);
        event.u.certificate_request.signature_algorithms = versions;
        event.u.certificate_request.signature_algorithm_count = count;
        event.u.certificate_request.ca_name_count = take_blobs(&payload, blobs);
        event.u.certificate_request.ca_names = blobs;
        break;
    }
    case MTLS_EVENT_CERTIFICATE:
        event.u.certificate.certificate_count = take_blobs(&payload, blobs);
        event.u.certificate.certificates = blobs;
        break;
    case MTLS_EVENT_ALERT:
        event.u.alert.level = (int)take_number(&payload, 1) - 1;
        event.u.alert.description = (int)take_number(&payload, 1) - 1;
        break;
    case MTLS_EVENT_APPLICATION_ANSWER:
        event.u.application_answer.protocol =
            (mtls_application)(take_number(&payload, 1) % (MTLS_APPLICATION_COUNT + 1));
        event.u.application_answer.code = answer_words[take_number(&payload, 1) % ANSWER_WORD_COUNT];
        event.u.application_answer.message_type = answer_words[take_number(&payload, 1) % ANSWER_WORD_COUNT];
        event.u.application_answer.severity = answer_words[take_number(&payload, 1) % ANSWER_WORD_COUNT];
        event.u.application_answer.text = answer_words[take_number(&payload, 1) % ANSWER_WORD_COUNT];
        event.u.application_answer.stream_id = (uint32_t)take_number(&payload, 1) % 4;
        event.u.application_answer.body = (mtls_blob){payload.data, payload.length};
        break;
    case MTLS_EVENT_CONNECTION_CLOSED:
        event.u.connection_closed.reset = take_number(&payload, 1) & 1;
        break;
    case MTLS_EVENT_COMPRESSED_CERTIFICATE:
        event.u.compressed_certificate.algorithm = (uint16_t)take_number(&payload, 2);
        event.u.compressed_certificate.uncompressed_length = take_number(&payload, 3);
        event.u.compressed_certificate.data = (mtls_blob){payload.data, payload.length};
        break;
    default:
        break;
    }
    mtls_packet packet = {frame, 1767225600 + frame, sender, 0};
    mtls_handshake *handshake = mtls_stream_feed(stream, &packet, &event);
    if (handshake == NULL)
        return;
    /* Everything a report reads, on every handshake touched. */
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(handshake);
    for (size_t i = 0; i < summary->client_chain_parsed; i++)
        (void)strlen(summary->client_chain[i].sha256);
    for (size_t i = 0; i < summary->ca_name_count; i++)
        (void)strlen(summary->ca_names[i]);
    (void)strlen(mtls_handshake_verdict_reason(handshake, frame % 2 == 0));
    if (summary->certificate_verify_detail)
        (void)strlen(summary->certificate_verify_detail);
    if (summary->answer_title)
        (void)strlen(summary->answer_title);
    const char *flow = mtls_handshake_flow(handshake);
    if (flow)
        (void)strlen(flow);
    for (size_t i = 0; i < mtls_handshake_finding_count(handshake); i++)
        (void)strlen(mtls_handshake_finding_message(handshake, mtls_handshake_finding(handshake, i)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mtls_config *config = mtls_config_new();
    mtls_capture *capture = mtls_capture_new(config);
    mtls_stream *streams[STREAMS];
    for (uint32_t i = 0; i < STREAMS; i++)
        streams[i] = mtls_stream_new(capture, i);
    reader in = {data, size};
    uint32_t frame = 0;
    while (in.length >= 4) {
        uint8_t kind = (uint8_t)take_number(&in, 1);
        uint8_t flags = (uint8_t)take_number(&in, 1);
        size_t length = take_number(&in, 2);
        if (length > in.length)
            length = in.length;
        reader payload = {in.data, length};
        in.data += length;
        in.length -= length;
        feed_record(streams[(flags >> 1) % STREAMS], ++frame, flags & 1 ? "192.0.2.20:443" : "192.0.2.10:50000",
                    kind, (flags & 8) != 0, payload);
    }
    for (uint32_t i = 0; i < STREAMS; i++)
        mtls_stream_free(streams[i]);
    mtls_capture_unref(capture);
    mtls_config_unref(config);
    return 0;
}
