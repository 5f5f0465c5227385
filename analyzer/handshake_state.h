/* handshake_state.h - the state of one handshake, shared by the modules that
 * advance it (handshake.c, handshake_certificates.c, handshake_signature.c),
 * judge it (verdict.c), explain its alerts (alert_diagnosis.c) and split
 * streams into handshakes (stream.c). The questions they all ask of it are
 * answered by handshake_state.c, below them all: the state machine
 * (handshake.c) calls down into the others, and none calls back up. Not part
 * of the public API.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_HANDSHAKE_STATE_H
#define MTLS_HANDSHAKE_STATE_H

#include <glib.h>
#include <string.h>

#include "alerts.h"
#include "application_answer.h"
#include "capture.h"
#include "certificate_verify.h"
#include "chain.h"
#include "config.h"
#include "flow.h"

/* TLS code points as a message listed them. The values are the capture's
 * (mtls_capture_store): clients of one kind offer the same lists, and every
 * handshake keeps a few. */
typedef struct {
    const uint16_t *values;
    size_t count;
} mtls_code_points;

/* `list` followed by `values` (a CertificateRequest may come again). */
static inline void mtls_code_points_append(mtls_capture *capture, mtls_code_points *list, const uint16_t *values,
                                           size_t count)
{
    if (count == 0)
        return;
    uint16_t *joined = g_new(uint16_t, list->count + count);
    if (list->count)
        memcpy(joined, list->values, list->count * sizeof *joined);
    memcpy(joined + list->count, values, count * sizeof *values);
    list->count += count;
    list->values = mtls_capture_store(capture, joined, list->count * sizeof *joined);
    g_free(joined);
}

struct mtls_handshake {
    mtls_capture *capture;              /* owned by the stream */
    mtls_handshake_summary summary;     /* its texts are the capture's (mtls_capture_text, mtls_capture_store) */

    mtls_code_points offered_cipher_suites;      /* from the ClientHello */
    mtls_code_points offered_signature_schemes;  /* from the ClientHello */
    mtls_code_points requested_signature_schemes;/* from the CertificateRequest */
    GPtrArray *ca_names;                /* mtls_ca_name*, a reference held on each, until the outcome */

    bool first_event_seen;
    bool hello_retry_pending;           /* a HelloRetryRequest awaits the second ClientHello */
    bool tls13;
    bool encrypted_handshake;           /* TLS 1.3 records we cannot read */
    uint32_t server_hello_frame;
    uint32_t server_certificate_frame;
    uint32_t server_flight_end_frame;   /* ServerHelloDone (1.2) or server Finished (1.3) */
    uint32_t client_ccs_frame;
    uint32_t server_ccs_frame;
    uint32_t server_finished_frame;     /* TLS 1.2, read or encrypted */
    uint32_t renegotiation_frame;       /* an unreadable renegotiation began here */
    uint32_t client_finished_frame;
    uint32_t accepted_frame;            /* the server confirmed the handshake */
    uint32_t resumed_frame;
    uint32_t encrypted_alert_frame;     /* an unreadable alert before completion */

    const mtls_alert_info *fatal_alert; /* the first fatal alert */
    int fatal_alert_description;
    mtls_side fatal_alert_sender;

    uint16_t cipher_suite;              /* the ServerHello's */
    mtls_transcript transcript;         /* until the client's CertificateVerify is checked */
    char *certificate_verify_detail;
    GBytes *pending_certificate_verify; /* the client's, until the outcome says whether to check it */

    char *answer_protocol;              /* backing summary.answer_protocol */
    char *answer_title;                 /* backing summary.answer_title */
    mtls_answer_kind answer_kind;
    mtls_application answer_application;
    uint32_t answer_stream_id;          /* HTTP/2: the stream whose page completes the answer */
    bool offers_http;                   /* the ClientHello's ALPN names HTTP: HTTP advice applies */
    uint32_t server_data_frame;         /* the server's first application data after the handshake */

    int64_t last_message_nanoseconds;   /* capture time of the last handshake record */
    uint32_t server_closed_frame;       /* the server's FIN or RST */
    uint32_t client_closed_frame;       /* the client's FIN or RST */
    /* The server ended the connection without an alert where its refusal
     * was due: after the client's certificate, before or right after the
     * handshake completed and before any data of its own. */
    uint32_t closed_refusal_frame;
    uint32_t unreadable_frame;          /* Wireshark could not dissect part of the handshake here */

    GPtrArray *server_chain;            /* mtls_certificate*, referenced, until the client's chain is judged */
    GPtrArray *findings;                /* mtls_finding* */
    mtls_flow flow;
    GPtrArray *held_chain_findings;     /* mtls_finding*: the client's unsent intermediate, until the
                                         * outcome says whether the server needed it; NULL until one is */
    GPtrArray *unverified_client_chain; /* mtls_certificate*, referenced: the client's chain whose link
                                         * signatures wait for the outcome; NULL once settled */
    GPtrArray *unverified_server_chain; /* the same for the server's chain, judged by the client */
    bool capture_end_settled;           /* mtls_handshake_capture_ended ran */
    uint32_t closing_alert_frame;       /* a close_notify, or any alert after completion, of either side */
};

mtls_handshake *mtls_handshake_new(mtls_capture *capture, uint32_t stream_number, uint32_t handshake_number);
/* A TLS 1.3 post-handshake authentication on the connection `parent`
 * established: a handshake of its own that starts at the CertificateRequest. */
mtls_handshake *mtls_handshake_new_post_handshake(const mtls_handshake *parent, uint32_t handshake_number);
/* A TLS 1.3 handshake is complete and the server may still ask for a certificate. */
bool mtls_handshake_allows_post_handshake_auth(const mtls_handshake *handshake);
void mtls_handshake_free(mtls_handshake *handshake);
/* Another handshake began on the connection: this one will get no more
 * messages, so what it kept only to check a signature later is released. */
void mtls_handshake_superseded(mtls_handshake *handshake);

/* The packet's capture time in nanoseconds since the epoch. */
static inline int64_t mtls_packet_nanoseconds(const mtls_packet *packet)
{
    return packet->time_seconds * 1000000000 + packet->time_nanoseconds;
}

/* The handshake completed: the server accepted it, or resumed a session. */
static inline bool mtls_handshake_completed(const mtls_handshake *handshake)
{
    return handshake->accepted_frame != 0 || handshake->resumed_frame != 0;
}

/* Handshake messages, as opposed to records (alerts, data, cipher changes). */
bool mtls_event_is_handshake_message(mtls_event_kind kind);

/* The outcome is known (or cannot become known): later records are the application's. */
bool mtls_handshake_is_settled(const mtls_handshake *handshake);

void mtls_handshake_apply(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event);

/* The one-line explanation of a fatal alert in the light of what the
 * handshake showed before it. */
char *mtls_explain_alert(const mtls_handshake *handshake, mtls_side sender, const mtls_alert_info *alert,
                         uint32_t frame);

/* The outcome decides what the client's unsent intermediate was: when the
 * server refused (`accepted` false), the likely cause, reported on
 * `packet`'s frame; when it accepted, or completed with its answer unseen, a
 * note that the chain works only with servers holding the intermediate. */
void mtls_handshake_settle_held_chain_findings(mtls_handshake *handshake, const mtls_packet *packet, bool accepted);
/* The chains' link signatures, once the outcome is known: each is verified
 * when its receiver refused in a way that can be about them (a bad signature
 * is then reported on `packet`'s frame), released unverified otherwise.
 * `accepted`: the server went on with the client's chain. */
void mtls_handshake_settle_chain_signatures(mtls_handshake *handshake, const mtls_packet *packet, bool accepted);

/* Appends " The capture shows why: code (frame N): title; ..." for the client
 * chain findings already made; returns whether there were any. */
bool mtls_append_client_chain_findings(GString *text, const mtls_handshake *handshake);
/* Whether any client chain finding was made. */
bool mtls_client_chain_has_findings(const mtls_handshake *handshake);

/* A ServerHello carrying RFC 8446's HelloRetryRequest random. */
bool mtls_event_is_hello_retry_request(const mtls_event *event);

/* Whether the server has accepted or refused the handshake. */
bool mtls_handshake_decided(const mtls_handshake *handshake);

/* handshake_close.c: the connection's end (FIN or RST) judged from where the
 * handshake stood. */
void mtls_handshake_on_connection_closed(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event,
                                         mtls_side side);

/* handshake_certificates.c: a Certificate message, or a compressed one. */
void mtls_handshake_on_certificate(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event,
                                   mtls_side side);
void mtls_handshake_on_compressed_certificate(mtls_handshake *handshake, const mtls_packet *packet,
                                              const mtls_event *event, mtls_side side);

/* handshake_signature.c: the transcript the client signs, its
 * CertificateVerify, and the check at the outcome when one is due. */
void mtls_handshake_follow_transcript(mtls_handshake *handshake, const mtls_event *event);
void mtls_handshake_on_client_certificate_verify(mtls_handshake *handshake, const mtls_packet *packet,
                                                 const mtls_event *event);
void mtls_handshake_settle_certificate_verify(mtls_handshake *handshake, const mtls_packet *packet);

#endif
