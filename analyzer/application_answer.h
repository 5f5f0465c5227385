/* application_answer.h - the application's first answer after a completed
 * handshake: an HTTP response read from the decrypted connection. Owns the
 * question a completed handshake leaves open, whether the application then
 * accepted the client, and the explanation when it refused (nginx's 400
 * pages, 401/403 of an unmapped certificate, 403 for want of TLS 1.3
 * post-handshake authentication).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_APPLICATION_ANSWER_H
#define MTLS_APPLICATION_ANSWER_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "mtls_analyzer.h"

typedef enum {
    MTLS_ANSWER_SERVED,                 /* an answer that does not refuse the client */
    MTLS_ANSWER_NGINX_NO_CERTIFICATE,   /* nginx's 400 "No required SSL certificate was sent" */
    MTLS_ANSWER_NGINX_CERTIFICATE_ERROR,/* nginx's 400 "The SSL certificate error" */
    MTLS_ANSWER_DENIED                  /* 401 or 403 */
} mtls_answer_kind;

/* What an HTTP answer says about the client, from its status and the title of
 * its error page (mtls_answer_page_title; NULL when it has none). */
mtls_answer_kind mtls_classify_answer(uint16_t status, const char *title);

/* The title of an HTML error page without its leading status number ("The
 * SSL certificate error"), printable and at most 120 characters; NULL when
 * the body has none. Free with g_free. */
char *mtls_answer_page_title(const uint8_t *body, size_t length);


/* Takes the server's first HTTP response after `handshake` completed, and
 * reports application_rejected when it refuses the client. An event with
 * status 0 carries more of that response's body (HTTP/2 DATA after HEADERS). */
void mtls_handshake_take_answer(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event);

/* Whether the answer taken refused the client. */
bool mtls_handshake_answer_refuses(const mtls_handshake *handshake);

#endif
