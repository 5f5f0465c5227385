/* application_answer.h - the application's first answer after a completed
 * handshake, in whichever protocol the connection speaks. Owns the question a
 * completed handshake leaves open, whether the application then accepted the
 * client, and the explanation when it refused (nginx's 400 pages, an HTTP
 * 401/403, a PostgreSQL FATAL, a MySQL 1045, an MQTT CONNACK refusal, an SMTP
 * 4.7.x reply, an LDAP bind result). What each protocol's codes mean is
 * answer_classification.c's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_APPLICATION_ANSWER_H
#define MTLS_APPLICATION_ANSWER_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "answer_classification.h"
#include "mtls_analyzer.h"

/* Takes the server's first answer after `handshake` completed (or the page
 * of one taken before). Returns whether the event was taken. Once the answer
 * is settled, the caller settles the client's held chain findings, which a
 * refusal cites, then calls mtls_handshake_report_answer_refusal. */
bool mtls_handshake_take_answer(mtls_handshake *handshake, const mtls_packet *packet, const mtls_event *event);

/* Reports application_rejected, on `packet`'s frame, when the settled answer refuses the client. */
void mtls_handshake_report_answer_refusal(mtls_handshake *handshake, const mtls_packet *packet);

/* The connection ended: an answer whose page never came is judged as it
 * stands. Returns whether that settled it. */
bool mtls_handshake_answer_at_close(mtls_handshake *handshake);

/* Whether the answer taken is final (its page read, if it needed one). */
bool mtls_handshake_answer_settled(const mtls_handshake *handshake);

/* Whether the answer taken refused the client. */
bool mtls_handshake_answer_refuses(const mtls_handshake *handshake);

#endif
