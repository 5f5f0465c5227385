/* answer_classification.h - what one message of the application protocol
 * says about the client: served, refused, an error of another kind, or
 * nothing yet. One classifier per protocol (HTTP/1.x, HTTP/2, PostgreSQL,
 * MySQL/MariaDB, MQTT, SMTP, LDAP), each reading the codes its protocol
 * defines. Knows nothing of handshakes: application_answer.c decides what a
 * classified answer means for one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_ANSWER_CLASSIFICATION_H
#define MTLS_ANSWER_CLASSIFICATION_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "mtls_analyzer.h"

typedef enum {
    /* Not a final answer: HTTP 1xx (101 included), a request, an invalid
     * code, a message that decides nothing (a PostgreSQL parameter). */
    MTLS_ANSWER_NONE,
    MTLS_ANSWER_SERVED,                 /* the application served the client */
    /* An error that is not about the client's identity (HTTP 404 or 5xx, a
     * database that does not exist): the client got past authentication. */
    MTLS_ANSWER_ERROR,
    /* The application refused the client's identity (HTTP 401/403,
     * SQLSTATE class 28, MySQL 1045, MQTT not authorised, an SMTP x.7.x
     * reply, an LDAP authentication result). */
    MTLS_ANSWER_DENIED,
    MTLS_ANSWER_NGINX_NO_CERTIFICATE,   /* nginx's 400 "No required SSL certificate was sent" */
    MTLS_ANSWER_NGINX_CERTIFICATE_ERROR,/* nginx's 400 "The SSL certificate error" */
    /* An HTTP 400 whose page has not been read yet: nginx's refusal or not. */
    MTLS_ANSWER_PAGE_PENDING
} mtls_answer_kind;

typedef struct {
    mtls_answer_kind kind;
    uint16_t code;      /* the numeric code shown to the user (HTTP status, SMTP reply, ...), 0 if none */
    char *words;        /* the server's own words (page title, error message), printable; NULL if none */
} mtls_answer;

/* Classifies one application message sent by the server. `event` is an
 * MTLS_EVENT_APPLICATION_ANSWER. Free the result's words with g_free. */
mtls_answer mtls_classify_application_answer(const mtls_event *event);

/* An HTTP status as the wire writes it: exactly three digits, 100 to 599;
 * 0 for anything else ("4030", "403x", "0403", ""). */
uint16_t mtls_parse_http_status(const char *text);

/* The title of an HTML error page without its leading status number ("The
 * SSL certificate error"), printable and at most 120 characters; NULL when
 * the body has none. Free with g_free. */
char *mtls_answer_page_title(const uint8_t *body, size_t length);

/* What an HTTP page with this status and title says (title NULL: none). */
mtls_answer_kind mtls_classify_http_page(uint16_t status, const char *title);

#endif
