/* mtls_analyzer.h - the public interface of the analyzer core.
 *
 * Owns the vocabulary the plugin and the tests speak to the analyzer: the
 * events one TLS connection produces, the findings they lead to, the verdict
 * and summary of each handshake, and the configuration (trust store).
 * Knows nothing of Wireshark: every input is plain bytes, numbers and strings,
 * so unit tests and fuzzers drive it directly.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_ANALYZER_H
#define MTLS_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Finding codes ------------------------------------------------------ */

typedef enum {
    MTLS_SEVERITY_CHAT,
    MTLS_SEVERITY_NOTE,
    MTLS_SEVERITY_WARNING,
    MTLS_SEVERITY_ERROR
} mtls_severity;

/* Mirrors the expert-info groups a user filters by in Wireshark. */
typedef enum {
    MTLS_CATEGORY_SECURITY,
    MTLS_CATEGORY_PROTOCOL,
    MTLS_CATEGORY_DECRYPTION,
    MTLS_CATEGORY_MALFORMED,
    MTLS_CATEGORY_SEQUENCE
} mtls_category;

/* Whose chain a finding judges as a peer would, so that it can explain the
 * peer's refusal of it ("The capture shows why: ..."). */
typedef enum {
    MTLS_EXPLAINS_NO_REFUSAL,
    MTLS_EXPLAINS_CLIENT_CHAIN_REFUSAL, /* the server refusing the client's chain */
    MTLS_EXPLAINS_SERVER_CHAIN_REFUSAL  /* the client refusing the server's chain */
} mtls_refusal_explained;

typedef struct {
    const char *code;       /* stable identifier: the value of mtls.problem or mtls.note */
    bool is_problem;        /* false: a note, never shown as mtls.problem */
    mtls_severity severity;
    mtls_category category;
    const char *title;      /* constant one-line summary of the code */
    mtls_refusal_explained explains;
} mtls_code_info;

size_t mtls_code_count(void);
const mtls_code_info *mtls_code_at(size_t index);
const mtls_code_info *mtls_code_lookup(const char *code);

/* ---- Findings ------------------------------------------------------------ */

#define MTLS_MAX_EVIDENCE_FRAMES 4

struct mtls_handshake;
typedef struct mtls_finding mtls_finding;
struct _GString; /* GLib's GString: this header does not include GLib */
/* Writes the text of a finding made when it is read into `text` (its contents replaced). */
typedef void (*mtls_finding_composer)(const struct mtls_handshake *handshake, const mtls_finding *finding,
                                      struct _GString *text);

struct mtls_finding {
    const mtls_code_info *info;
    /* What was seen, what it means, what to do; read it with
     * mtls_handshake_finding_message. A note made on nearly every handshake
     * (handshake_completed) keeps no text: `compose` makes it from the
     * handshake's summary and `detail` when it is read. */
    char *message;
    mtls_finding_composer compose;
    uint32_t detail;
    uint32_t frame;             /* the frame the finding is reported on */
    uint32_t evidence[MTLS_MAX_EVIDENCE_FRAMES]; /* other frames that prove it */
    size_t evidence_count;
};

/* ---- Configuration ------------------------------------------------------- */

typedef struct mtls_config mtls_config;

mtls_config *mtls_config_new(void);
mtls_config *mtls_config_ref(mtls_config *config);
void mtls_config_unref(mtls_config *config);
/* Which peer's certificates a trust store judges: the client's (the CAs the
 * server trusts for client certificates) or the server's (the CAs the
 * client trusts). They are rarely the same bundle. */
typedef enum { MTLS_TRUST_CLIENT_CERTIFICATES, MTLS_TRUST_SERVER_CERTIFICATES } mtls_trust_purpose;

/* The location that names the operating system's CA store. */
#define MTLS_TRUST_STORE_SYSTEM "system"

/* Loads the CA certificates at `location`: a PEM bundle, a single DER
 * certificate, a folder of such files, or MTLS_TRUST_STORE_SYSTEM. NULL or
 * "" configures none. Returns false and sets *error (free with g_free) when
 * nothing usable was loaded; the store is then empty. */
bool mtls_config_load_trust_store(mtls_config *config, mtls_trust_purpose purpose, const char *location,
                                  char **error);
size_t mtls_config_trust_store_size(const mtls_config *config, mtls_trust_purpose purpose);
/* Whether the server's own chain is checked too (default true). */
void mtls_config_set_check_server_chain(mtls_config *config, bool enabled);
/* The client's CertificateVerify signature is verified when the server does
 * not accept the handshake (a server that completes it verified the
 * signature itself); `enabled` verifies every one, at a public-key operation
 * per handshake. */
void mtls_config_set_verify_every_certificate_verify(mtls_config *config, bool enabled);
/* Verify the signature of every link of every client chain when it arrives,
 * not only at a refusal that can be about it (the default). */
void mtls_config_set_verify_every_chain_signature(mtls_config *config, bool enabled);
/* How many entries each per-file cache (certificates parsed, CA names
 * decoded, issuer signatures checked, issuers found in a trust store) holds
 * between events: over it, the certificates not asked for again since the
 * last sweep go (a CA every client sends stays), and a cache still over it is
 * emptied. Memory stays bounded on a capture of endless distinct
 * certificates: the handshakes keep only the texts their summaries show. A
 * parsed certificate takes about 21 KB, so the default bounds the
 * certificates at about 21 MB. */
#define MTLS_DEFAULT_CACHE_LIMIT 1000
void mtls_config_set_cache_limit(mtls_config *config, unsigned entries);
/* The client certificates registered on the server side (a PEM bundle, a
 * DER certificate or a folder of them): a client leaf that is none of them
 * is reported as unexpected_client_certificate. NULL or "" registers none.
 * Returns false and sets *error (free with g_free) when none could be read. */
bool mtls_config_load_expected_client_certificates(mtls_config *config, const char *location, char **error);
size_t mtls_config_expected_client_certificate_count(const mtls_config *config);
/* Whether the system CA bundle (the PEM bundle of a Unix system, such as
 * /etc/ssl/certs/ca-certificates.crt on Debian; GnuTLS's system trust on
 * macOS and Windows) may be
 * read as a catalogue of public roots, to tell a client chain under a public
 * CA the server does not accept from one missing its intermediate (default
 * true). It makes results depend on the analyst's machine, so it is a
 * setting, and the findings that relied on it say so. */
void mtls_config_set_use_public_roots(mtls_config *config, bool enabled);
/* A certificate that expires within this many days of the handshake's
 * capture time gets an expires_soon note (0: never). */
#define MTLS_DEFAULT_EXPIRY_WARNING_DAYS 30
void mtls_config_set_expiry_warning_days(mtls_config *config, unsigned days);

/* ---- Events -------------------------------------------------------------- */

typedef struct {
    const uint8_t *data;
    size_t length;
} mtls_blob;

/* Where an event was seen. `sender` identifies the sending endpoint (e.g.
 * "127.0.0.1:4433"); the analyzer decides from it who is client and server. */
typedef struct {
    uint32_t frame;
    int64_t time_seconds;   /* capture time, seconds since the Unix epoch */
    const char *sender;
    uint32_t time_nanoseconds; /* the fraction of that second */
} mtls_packet;

typedef enum {
    MTLS_EVENT_CLIENT_HELLO,
    MTLS_EVENT_SERVER_HELLO,
    MTLS_EVENT_CERTIFICATE_REQUEST,
    MTLS_EVENT_CERTIFICATE,
    MTLS_EVENT_SERVER_HELLO_DONE,
    MTLS_EVENT_CERTIFICATE_VERIFY,
    MTLS_EVENT_FINISHED,
    MTLS_EVENT_NEW_SESSION_TICKET,
    MTLS_EVENT_CHANGE_CIPHER_SPEC,
    MTLS_EVENT_ALERT,
    MTLS_EVENT_APPLICATION_DATA,
    /* A TLS 1.2 handshake record that cannot be read: a Finished, or a
     * renegotiation when it follows the Finished of the same side. */
    MTLS_EVENT_ENCRYPTED_HANDSHAKE,
    /* A TLS 1.3 Certificate sent compressed (RFC 8879), as the capture holds
     * it; the analyzer decompresses it. */
    MTLS_EVENT_COMPRESSED_CERTIFICATE,
    /* Any other handshake message (ServerKeyExchange, ClientKeyExchange,
     * EncryptedExtensions, ...): it matters only as part of the transcript
     * CertificateVerify signs, and never starts a handshake. */
    MTLS_EVENT_OTHER_HANDSHAKE_MESSAGE,
    /* The capture lost part of the connection here (a frame cut short by
     * the snap length, a segment not captured): a handshake message may be
     * missing unseen, so nothing is checked against the transcript. */
    MTLS_EVENT_CAPTURE_GAP,
    /* A message of the application protocol from the decrypted data (an
     * HTTP response, a PostgreSQL ErrorResponse, an SMTP reply, ...): what
     * the application said after the handshake. */
    MTLS_EVENT_APPLICATION_ANSWER,
    /* The transport connection ended: a TCP FIN or RST from the sender. */
    MTLS_EVENT_CONNECTION_CLOSED,
    /* Transport payload in which no TLS record was read (a segment of a
     * record reassembled later, or bytes the TLS dissector did not take):
     * it tells only that the sender sent something. */
    MTLS_EVENT_UNREAD_DATA
} mtls_event_kind;

/* The application protocols whose answers are read, each with its own
 * classifier (answer_classification.h). */
typedef enum {
    MTLS_APPLICATION_HTTP1,
    MTLS_APPLICATION_HTTP2,
    MTLS_APPLICATION_POSTGRESQL,
    MTLS_APPLICATION_MYSQL,
    MTLS_APPLICATION_MQTT,
    MTLS_APPLICATION_SMTP,
    MTLS_APPLICATION_LDAP,
    MTLS_APPLICATION_COUNT
} mtls_application;

/* "HTTP/2", "PostgreSQL", "MySQL/MariaDB", "MQTT", "SMTP", "LDAP"; HTTP/1.x as "HTTP/1.x". */
const char *mtls_application_name(mtls_application application);

#define MTLS_ALERT_ENCRYPTED (-1)

typedef struct {
    mtls_event_kind kind;
    /* A handshake message as sent (4-byte header, then its body) when the
     * capture holds it whole; empty otherwise. The client's CertificateVerify
     * is checked against the messages before it. */
    mtls_blob message;
    union {
        struct {
            uint16_t legacy_version;
            const uint16_t *supported_versions; /* from the extension; may be empty */
            size_t supported_version_count;
            const char *server_name;            /* SNI, or NULL */
            uint16_t record_version;            /* of the record that carried it, 0 if unknown */
            const uint16_t *cipher_suites;      /* as offered, GREASE included */
            size_t cipher_suite_count;
            const uint16_t *signature_algorithms; /* signature_algorithms(_cert) extensions */
            size_t signature_algorithm_count;
            bool offers_post_handshake_auth;    /* the post_handshake_auth extension (TLS 1.3) */
            const char *const *alpn;            /* application protocols offered by ALPN ("h2", "http/1.1") */
            size_t alpn_count;
        } client_hello;
        struct {
            uint16_t legacy_version;
            uint16_t selected_version;          /* supported_versions extension, 0 if absent */
            const uint8_t *random;              /* 32 bytes, or NULL when not captured */
            bool psk_accepted;                  /* pre_shared_key extension: TLS 1.3 resumption */
            uint16_t cipher_suite;              /* the one selected, 0 if unknown */
        } server_hello;
        struct {
            const mtls_blob *ca_names;          /* DER-encoded X.501 Names, as on the wire */
            size_t ca_name_count;
            const uint16_t *signature_algorithms; /* what the client may sign CertificateVerify with; may be empty */
            size_t signature_algorithm_count;
        } certificate_request;
        struct {
            const mtls_blob *certificates;      /* DER, in the order sent */
            size_t certificate_count;
            bool truncated;                     /* the capture holds only part of the message (snaplen) */
        } certificate;
        struct {
            uint16_t algorithm;                 /* 1 zlib, 2 brotli, 3 zstd */
            uint32_t uncompressed_length;
            mtls_blob data;                     /* compressed_certificate_message */
        } compressed_certificate;
        struct {
            int level;                          /* 1 warning, 2 fatal, or MTLS_ALERT_ENCRYPTED */
            int description;                    /* or MTLS_ALERT_ENCRYPTED */
        } alert;
        struct {
            mtls_application protocol;
            const char *version;                /* HTTP/1: the status line's version ("HTTP/1.1"), or NULL */
            uint32_t stream_id;                 /* HTTP/2: the stream the frame belongs to; 0 otherwise */
            /* The message's kind as the protocol names it: PostgreSQL's message
             * type ("Error", "Authentication request"), MySQL's response code
             * ("0xff" ERR, "0x00" OK), MQTT's message type ("2" CONNACK), LDAP's
             * protocolOp ("1" bindResponse). NULL where the code says it all. */
            const char *message_type;
            /* The answer's code as written on the wire: an HTTP status ("403"),
             * an SMTP reply code, a MySQL error number, a PostgreSQL SQLSTATE,
             * an MQTT CONNACK return code, an LDAP resultCode; NULL when this
             * message carries none (an HTTP/2 DATA frame). */
            const char *code;
            const char *severity;               /* PostgreSQL: "FATAL", "ERROR"; NULL otherwise */
            const char *text;                   /* the server's own words, or NULL */
            mtls_blob body;                     /* HTTP: the start of the body as captured; may be empty */
        } application_answer;
        struct {
            bool reset;                         /* RST rather than FIN */
        } connection_closed;
    } u;
} mtls_event;

/* ---- Captures ---------------------------------------------------------------- */

/* One capture file's analysis, shared by its streams: the configuration and
 * what was learnt about certificates. Each distinct certificate is parsed
 * and verified once per capture, however many handshakes send it; all of it
 * is released with the last reference (the capture's and its streams'). */
typedef struct mtls_capture mtls_capture;

mtls_capture *mtls_capture_new(mtls_config *config);
mtls_capture *mtls_capture_ref(mtls_capture *capture);
void mtls_capture_unref(mtls_capture *capture);

typedef struct {
    size_t certificate_lookups;     /* certificates received, counting repeats */
    size_t distinct_certificates;   /* of those, parsed (each distinct DER once) */
    size_t signature_lookups;       /* issuer signatures asked about */
    size_t signature_checks;        /* of those, verified (each pair once while cached) */
    size_t certificate_verify_lookups; /* client CertificateVerify signatures asked about */
    size_t certificate_verify_checks;  /* of those, verified (each distinct input once while cached) */
    size_t cache_flushes;           /* caches emptied on reaching the limit */
    size_t cached_signature_verdicts; /* signature verdicts held now */
    size_t cached_certificates;     /* parsed certificates held by the cache now */
    size_t cached_ca_names;         /* decoded CA names held by the cache now */
} mtls_capture_statistics;

mtls_capture_statistics mtls_capture_get_statistics(const mtls_capture *capture);

/* ---- Streams and handshakes ----------------------------------------------- */

/* One transport connection (a TCP stream): the handshakes seen on it, in order. */
typedef struct mtls_stream mtls_stream;
typedef struct mtls_handshake mtls_handshake;

mtls_stream *mtls_stream_new(mtls_capture *capture, uint32_t stream_number);
void mtls_stream_free(mtls_stream *stream);

/* Feeds one event. Returns the handshake it belongs to (owned by the stream),
 * or NULL when the event cannot belong to any handshake. Findings the event
 * leads to are appended to that handshake, reported on packet->frame. */
mtls_handshake *mtls_stream_feed(mtls_stream *stream, const mtls_packet *packet,
                                 const mtls_event *event);

/* Which handshakes a frame touched, kept for the passes after the first: a
 * frame is dissected again whenever it is shown, filtered or tapped, and its
 * events are not fed again. Noted in frame order on the first pass; noting a
 * frame again replaces what was noted. */
void mtls_capture_note_frame(mtls_capture *capture, uint32_t frame, mtls_handshake *const *handshakes,
                             size_t count);
/* How many handshakes `frame` touched (0: none, or never noted), with
 * *handshakes pointing at them until the next note. */
size_t mtls_capture_frame_handshakes(const mtls_capture *capture, uint32_t frame,
                                     mtls_handshake *const **handshakes);

typedef enum {
    MTLS_VERDICT_IN_PROGRESS,
    /* client certificate sent, handshake completed, the application answered without refusing */
    MTLS_VERDICT_OK,
    MTLS_VERDICT_REJECTED,              /* client certificate sent, handshake aborted (rejected at TLS) */
    MTLS_VERDICT_SERVER_REJECTED,       /* the client refused the server's certificate */
    MTLS_VERDICT_NO_CLIENT_CERTIFICATE, /* requested, none sent */
    MTLS_VERDICT_NOT_REQUESTED,         /* the server did not ask for a client certificate */
    MTLS_VERDICT_FAILED,                /* aborted before client authentication */
    MTLS_VERDICT_RESUMED,               /* abbreviated handshake: no certificates exchanged */
    MTLS_VERDICT_ENCRYPTED,             /* TLS 1.3 without keys: client authentication not visible */
    MTLS_VERDICT_INCOMPLETE_CAPTURE,    /* the capture ended before the outcome */
    MTLS_VERDICT_REJECTED_BY_APPLICATION, /* the handshake completed, the application's answer refused the client */
    /* completed with a client certificate; the application's answer is not visible */
    MTLS_VERDICT_ANSWER_UNSEEN,
    /* client certificate sent; the server closed the connection (FIN or RST) without an alert */
    MTLS_VERDICT_CLOSED_WITHOUT_ALERT,
    /* Wireshark could not dissect a message the verdict depends on */
    MTLS_VERDICT_UNREADABLE
} mtls_verdict;

const char *mtls_verdict_name(mtls_verdict verdict);

/* What the check of the client's CertificateVerify signature found. */
typedef enum {
    MTLS_CERTIFICATE_VERIFY_NOT_SEEN,   /* no CertificateVerify from the client */
    MTLS_CERTIFICATE_VERIFY_VALID,      /* signed with the key of the certificate sent */
    MTLS_CERTIFICATE_VERIFY_INVALID,    /* not signed with that key */
    MTLS_CERTIFICATE_VERIFY_UNCHECKED,  /* seen, but not (yet) checked: the detail says why */
    MTLS_CERTIFICATE_VERIFY_ACCEPTED    /* the server accepted it, so verified it; not checked again */
} mtls_certificate_verify_status;

/* "verified", "failed", "not checked", "accepted by the server", or NULL for NOT_SEEN. */
const char *mtls_certificate_verify_status_name(mtls_certificate_verify_status status);

/* One certificate of a chain as sent, for display. */
typedef struct {
    const char *subject;            /* RFC 4514 */
    const char *issuer;
    int64_t not_before;             /* seconds since the epoch; -1 if unreadable */
    int64_t not_after;
    const char *key;                /* "EC secp256r1", "RSA 2048 bits" */
    const char *signature_algorithm;
    const char *sha256;             /* hex fingerprint of the DER */
    const char *extended_key_usage; /* "clientAuth, serverAuth"; NULL without the extension */
} mtls_certificate_summary;

typedef struct {
    uint32_t stream_number;
    uint32_t handshake_number;      /* 1-based position within the stream */
    const char *client_endpoint;    /* NULL when unknown */
    const char *server_endpoint;
    uint16_t offered_max_version;   /* highest version the client offered, 0 if unseen */
    uint16_t record_version;        /* the ClientHello's record layer version, 0 if unseen */
    uint16_t client_hello_version;  /* the ClientHello's own (legacy_version) field, 0 if unseen */
    const char *offered_versions;   /* "TLS 1.3, TLS 1.2": every version offered, highest first; NULL if unseen */
    uint16_t negotiated_version;    /* 0 if no ServerHello seen */
    const char *server_name;
    bool certificate_requested;
    size_t ca_name_count;
    const char *const *ca_names;    /* RFC 4514 strings */
    bool client_certificate_sent;   /* a Certificate message from the client was seen */
    size_t client_chain_length;     /* 0 for an empty Certificate */
    size_t client_chain_parsed;     /* entries in client_chain: 0 when unparsable */
    const mtls_certificate_summary *client_chain; /* in the order sent */
    const char *client_listed_ca;   /* the requested CA name the client chain is under, NULL if none */
    const char *client_subject;     /* of the leaf, NULL if none */
    const char *client_issuer;
    const char *server_subject;
    size_t server_chain_parsed;     /* entries in server_chain */
    const mtls_certificate_summary *server_chain; /* in the order sent */
    uint32_t client_hello_frame;
    uint32_t certificate_request_frame;
    uint32_t client_certificate_frame;
    uint32_t alert_frame;           /* the first fatal alert */
    uint32_t first_frame;           /* the first frame with an event of this handshake */
    uint32_t last_frame;            /* the last frame that shows this handshake so far (final once the
                                     * whole capture has been read): a reader that streams can let it go there */
    uint32_t outcome_frame;         /* where the outcome became known; 0 while it is not.
                                     * Reports count each handshake once, here. */
    bool post_handshake;            /* TLS 1.3 post-handshake authentication, not a full handshake */
    mtls_certificate_verify_status certificate_verify;
    uint32_t certificate_verify_frame;
    const char *certificate_verify_detail; /* why it was not checked; NULL when it was */
    bool keys_loaded;               /* a Finished or an encrypted TLS 1.3 message was read: the capture decrypts */
    bool post_handshake_auth_offered; /* the ClientHello carried post_handshake_auth */
    uint32_t answer_frame;          /* the application's first answer after the handshake; 0 if none seen */
    uint16_t answer_status;         /* its numeric code (HTTP status, SMTP reply, MySQL error, ...), 0 if none */
    const char *answer_protocol;    /* "HTTP/1.1", "HTTP/2", "PostgreSQL", ... */
    const char *answer_title;       /* the server's own words: an error page's title (nginx's reason), a
                                     * PostgreSQL or MySQL error message, an SMTP reply's text; NULL if none */
    uint32_t closed_frame;          /* the first FIN or RST of the connection after this handshake began; 0 if none */
    char closed_by;                 /* 'C' or 'S': who sent it */
} mtls_handshake_summary;

const mtls_handshake_summary *mtls_handshake_get_summary(const mtls_handshake *handshake);

/* Once the whole capture has been read: settles what the handshake held for
 * a later event that never came (the unsent intermediate awaiting the
 * application's answer, an answer awaiting the rest of its body, a
 * CertificateVerify awaiting the server's answer). Idempotent. */
void mtls_handshake_capture_ended(mtls_handshake *handshake);

/* `capture_complete` says the whole capture has been read: an undecided
 * handshake is then an incomplete capture rather than still in progress. */
mtls_verdict mtls_handshake_verdict(const mtls_handshake *handshake, bool capture_complete);
/* Whether `frame` reports the handshake as a whole (its summary in the tree,
 * its one count in statistics): the frame where its outcome became known,
 * or, once the whole capture has been read, the first frame of a handshake
 * that never reached an outcome. Decided from the analysis alone, so one
 * pass and two put it on the same frame. */
bool mtls_handshake_reported_on(const mtls_handshake_summary *summary, uint32_t frame, bool capture_complete);

/* A long explanation shown as lines of at most MTLS_TEXT_LINE_LENGTH bytes:
 * the length of the first line of `text` (`length` bytes of UTF-8), ending
 * at a sentence or a word where it can, and never inside a character. */
#define MTLS_TEXT_LINE_LENGTH 120
size_t mtls_text_line_end(const char *text, size_t length);

/* One sentence explaining the verdict; owned by the analysis, valid until
 * the next mtls_handshake_verdict_reason call for a handshake of the same
 * capture. */
const char *mtls_handshake_verdict_reason(mtls_handshake *handshake, bool capture_complete);

/* The handshake at a glance: who sent what, in order, each step with its frame. */
typedef struct {
    uint32_t frame;
    char side;          /* 'C' client, 'S' server, '?' not known */
    const char *step;   /* "ClientHello", "Certificate(2)", "Alert unknown_ca", "HTTP 400" */
} mtls_flow_step;

size_t mtls_handshake_flow_step_count(const mtls_handshake *handshake);
/* The step at `index`; its `step` NULL past the last. */
mtls_flow_step mtls_handshake_flow_step(const mtls_handshake *handshake, size_t index);
/* "C: ClientHello · S: ServerHello, Certificate(2), ... · S: Alert unknown_ca"; owned by the
 * analysis, valid until the next mtls_handshake_flow call for a handshake of the same capture; NULL
 * before any step. */
const char *mtls_handshake_flow(mtls_handshake *handshake);

size_t mtls_handshake_finding_count(const mtls_handshake *handshake);
const mtls_finding *mtls_handshake_finding(const mtls_handshake *handshake, size_t index);
/* The finding's explanation; owned by the analysis, valid until the next
 * call for a handshake of the same capture. */
const char *mtls_handshake_finding_message(const mtls_handshake *handshake, const mtls_finding *finding);

/* ---- Names ----------------------------------------------------------------- */

/* "TLS 1.2", "SSL 3.0", ... or NULL for an unknown value. */
const char *mtls_version_name(uint16_t version);
/* RFC name of a TLS alert description ("unknown_ca"), or NULL if unassigned. */
const char *mtls_alert_name(int description);

#ifdef __cplusplus
}
#endif

#endif
