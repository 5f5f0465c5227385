/* answer_classification.c - one classifier per application protocol.
 *
 * Each decides on purpose what its protocol's codes say about the client:
 * - HTTP: 1xx (101 too) is not an answer; 2xx and 3xx served the client;
 *   401 and 403 refuse it; a 400 is nginx's refusal when its page says so
 *   (495 and 496 are the codes nginx logs for the same two refusals); every
 *   other 4xx and 5xx (404, 421, 502...) is an error past authentication.
 * - PostgreSQL: an ErrorResponse of SQLSTATE class 28 (invalid authorization)
 *   refuses; AuthenticationOk and ReadyForQuery serve; other errors do not
 *   concern the certificate.
 * - MySQL/MariaDB: ERR 1045 (access denied), 1044, 1698 and 3159 (secure
 *   transport required) refuse; OK serves.
 * - MQTT: a CONNACK with 0 serves; 4, 5 (3.1.1) and 0x86, 0x87, 0x8C (5.0)
 *   refuse; other codes are errors.
 * - SMTP: 2xx and 3xx serve; a 4xx or 5xx with an enhanced status of class
 *   x.7 (security or policy) or that names the certificate refuses.
 * - LDAP: a response with resultCode 0 (or compareFalse/True) serves; 8, 13,
 *   48, 49 and 50 refuse; requests and other results decide nothing or are
 *   errors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "answer_classification.h"

#include <glib.h>
#include <string.h>

#define TITLE_SHOWN 120
#define WORDS_SHOWN 200

/* nginx's own reasons, as its 400 pages give them (ngx_http_special_response.c). */
static const char nginx_no_certificate[] = "No required SSL certificate was sent";
static const char nginx_certificate_error[] = "The SSL certificate error";

static const char *const application_names[MTLS_APPLICATION_COUNT] = {
    [MTLS_APPLICATION_HTTP1] = "HTTP/1.x",   [MTLS_APPLICATION_HTTP2] = "HTTP/2",
    [MTLS_APPLICATION_POSTGRESQL] = "PostgreSQL", [MTLS_APPLICATION_MYSQL] = "MySQL/MariaDB",
    [MTLS_APPLICATION_MQTT] = "MQTT",        [MTLS_APPLICATION_SMTP] = "SMTP",
    [MTLS_APPLICATION_LDAP] = "LDAP",
};

const char *mtls_application_name(mtls_application application)
{
    return application < MTLS_APPLICATION_COUNT ? application_names[application] : "the application protocol";
}

static const uint8_t *find_text(const uint8_t *data, size_t length, const char *text)
{
    const size_t text_length = strlen(text);
    for (size_t i = 0; i + text_length <= length; i++) {
        if (g_ascii_strncasecmp((const char *)data + i, text, text_length) == 0)
            return data + i;
    }
    return NULL;
}

/* Printable, at most `limit` characters; NULL for nothing. */
static char *printable(const uint8_t *start, const uint8_t *end, size_t limit)
{
    GString *text = g_string_new(NULL);
    for (const uint8_t *p = start; p < end && text->len < limit; p++)
        g_string_append_c(text, g_ascii_isprint(*p) ? (char)*p : ' ');
    while (text->len > 0 && text->str[text->len - 1] == ' ')
        g_string_truncate(text, text->len - 1);
    if (text->len == 0) {
        g_string_free(text, TRUE);
        return NULL;
    }
    return g_string_free(text, FALSE);
}

static char *words_of(const char *text)
{
    return text ? printable((const uint8_t *)text, (const uint8_t *)text + strlen(text), WORDS_SHOWN) : NULL;
}

char *mtls_answer_page_title(const uint8_t *body, size_t length)
{
    if (body == NULL)
        return NULL;
    const uint8_t *open = find_text(body, length, "<title>");
    if (open == NULL)
        return NULL;
    const uint8_t *start = open + strlen("<title>");
    const uint8_t *end = find_text(start, length - (size_t)(start - body), "</title>");
    if (end == NULL)
        return NULL;
    /* "400 The SSL certificate error": the status is shown elsewhere. */
    while (start < end && (g_ascii_isdigit(*start) || *start == ' '))
        start++;
    return printable(start, end, TITLE_SHOWN);
}

uint16_t mtls_parse_http_status(const char *text)
{
    if (text == NULL || strlen(text) != 3 || !g_ascii_isdigit(text[0]) || !g_ascii_isdigit(text[1]) ||
        !g_ascii_isdigit(text[2]))
        return 0;
    unsigned status = (unsigned)(text[0] - '0') * 100 + (unsigned)(text[1] - '0') * 10 + (unsigned)(text[2] - '0');
    return status >= 100 && status <= 599 ? (uint16_t)status : 0;
}

mtls_answer_kind mtls_classify_http_page(uint16_t status, const char *title)
{
    if (status < 200)
        return MTLS_ANSWER_NONE;
    if (status < 400)
        return MTLS_ANSWER_SERVED;
    switch (status) {
    case 401:
    case 403:
        return MTLS_ANSWER_DENIED;
    case 495:
        return MTLS_ANSWER_NGINX_CERTIFICATE_ERROR;
    case 496:
        return MTLS_ANSWER_NGINX_NO_CERTIFICATE;
    case 400:
        if (title == NULL)
            return MTLS_ANSWER_ERROR;
        if (g_ascii_strcasecmp(title, nginx_no_certificate) == 0)
            return MTLS_ANSWER_NGINX_NO_CERTIFICATE;
        if (g_ascii_strcasecmp(title, nginx_certificate_error) == 0)
            return MTLS_ANSWER_NGINX_CERTIFICATE_ERROR;
        return MTLS_ANSWER_ERROR;
    default:
        return MTLS_ANSWER_ERROR;
    }
}

static bool parse_number(const char *text, uint64_t max, uint64_t *value)
{
    return text != NULL && g_ascii_string_to_unsigned(text, 10, 0, max, value, NULL);
}

static mtls_answer classify_http(const mtls_event *event)
{
    const mtls_blob *body = &event->u.application_answer.body;
    mtls_answer answer = {MTLS_ANSWER_NONE, mtls_parse_http_status(event->u.application_answer.code), NULL};
    if (answer.code == 0)
        return answer;
    answer.words = mtls_answer_page_title(body->data, body->length);
    answer.kind = mtls_classify_http_page(answer.code, answer.words);
    /* nginx's page may come after its status: in a later HTTP/2 DATA frame. */
    if (answer.kind == MTLS_ANSWER_ERROR && answer.code == 400 && answer.words == NULL && body->length == 0)
        answer.kind = MTLS_ANSWER_PAGE_PENDING;
    return answer;
}

#define POSTGRESQL_AUTHENTICATION_OK "0"

static mtls_answer classify_postgresql(const mtls_event *event)
{
    const char *type = event->u.application_answer.message_type;
    const char *code = event->u.application_answer.code;
    mtls_answer answer = {MTLS_ANSWER_NONE, 0, NULL};
    if (type == NULL)
        return answer;
    if (g_ascii_strncasecmp(type, "Error", 5) == 0) {
        answer.words = words_of(event->u.application_answer.text);
        /* SQLSTATE class 28: invalid authorization specification. */
        answer.kind = code != NULL && strncmp(code, "28", 2) == 0 ? MTLS_ANSWER_DENIED : MTLS_ANSWER_ERROR;
    } else if (g_ascii_strncasecmp(type, "Authentication", 14) == 0) {
        if (g_strcmp0(code, POSTGRESQL_AUTHENTICATION_OK) == 0)
            answer.kind = MTLS_ANSWER_SERVED;
    } else if (g_ascii_strncasecmp(type, "Ready for query", 15) == 0) {
        answer.kind = MTLS_ANSWER_SERVED;
    }
    return answer;
}

#define MYSQL_OK "0"
#define MYSQL_ERR "255"

static mtls_answer classify_mysql(const mtls_event *event)
{
    const char *type = event->u.application_answer.message_type;
    mtls_answer answer = {MTLS_ANSWER_NONE, 0, NULL};
    uint64_t error = 0;
    if (g_strcmp0(type, MYSQL_OK) == 0) {
        answer.kind = MTLS_ANSWER_SERVED;
    } else if (g_strcmp0(type, MYSQL_ERR) == 0 && parse_number(event->u.application_answer.code, 65535, &error)) {
        answer.code = (uint16_t)error;
        answer.words = words_of(event->u.application_answer.text);
        const bool denied = error == 1045 || error == 1044 || error == 1698 || error == 3159;
        answer.kind = denied ? MTLS_ANSWER_DENIED : MTLS_ANSWER_ERROR;
    }
    return answer;
}

#define MQTT_CONNACK "2"

static mtls_answer classify_mqtt(const mtls_event *event)
{
    mtls_answer answer = {MTLS_ANSWER_NONE, 0, NULL};
    uint64_t code = 0;
    if (g_strcmp0(event->u.application_answer.message_type, MQTT_CONNACK) != 0 ||
        !parse_number(event->u.application_answer.code, 255, &code))
        return answer;
    answer.code = (uint16_t)code;
    if (code == 0)
        answer.kind = MTLS_ANSWER_SERVED;
    else if (code == 4 || code == 5 || code == 0x86 || code == 0x87 || code == 0x8c)
        answer.kind = MTLS_ANSWER_DENIED;
    else
        answer.kind = MTLS_ANSWER_ERROR;
    return answer;
}

/* An enhanced status code (RFC 3463) of class 7, security or policy:
 * "4.7.1", "5.7.0", at the start of the reply's text. */
static bool smtp_security_status(const char *text)
{
    return text != NULL && (text[0] == '4' || text[0] == '5') && text[1] == '.' && text[2] == '7' && text[3] == '.';
}

static mtls_answer classify_smtp(const mtls_event *event)
{
    mtls_answer answer = {MTLS_ANSWER_NONE, 0, NULL};
    uint64_t code = 0;
    if (!parse_number(event->u.application_answer.code, 599, &code) || code < 200)
        return answer;
    const char *text = event->u.application_answer.text;
    answer.code = (uint16_t)code;
    answer.words = words_of(text);
    if (code < 400)
        answer.kind = MTLS_ANSWER_SERVED;
    else if (smtp_security_status(text) || (text != NULL && strstr(text, "certificate") != NULL))
        answer.kind = MTLS_ANSWER_DENIED;
    else
        answer.kind = MTLS_ANSWER_ERROR;
    return answer;
}

/* RFC 4511 protocolOp numbers of the responses. */
static bool ldap_response(uint64_t operation)
{
    switch (operation) {
    case 1:  /* bindResponse */
    case 5:  /* searchResDone */
    case 7:  /* modifyResponse */
    case 9:  /* addResponse */
    case 11: /* delResponse */
    case 13: /* modDNResponse */
    case 15: /* compareResponse */
    case 24: /* extendedResp */
        return true;
    default:
        return false;
    }
}

static mtls_answer classify_ldap(const mtls_event *event)
{
    mtls_answer answer = {MTLS_ANSWER_NONE, 0, NULL};
    uint64_t operation = 0, result = 0;
    if (!parse_number(event->u.application_answer.message_type, 255, &operation))
        return answer;
    if (operation == 4) { /* searchResEntry: the directory served the client */
        answer.kind = MTLS_ANSWER_SERVED;
        return answer;
    }
    if (!ldap_response(operation) || !parse_number(event->u.application_answer.code, 65535, &result))
        return answer;
    answer.code = (uint16_t)result;
    answer.words = words_of(event->u.application_answer.text);
    switch (result) {
    case 0: /* success */
    case 5: /* compareFalse */
    case 6: /* compareTrue */
        answer.kind = MTLS_ANSWER_SERVED;
        break;
    case 8:  /* strongerAuthRequired */
    case 13: /* confidentialityRequired */
    case 48: /* inappropriateAuthentication */
    case 49: /* invalidCredentials */
    case 50: /* insufficientAccessRights */
        answer.kind = MTLS_ANSWER_DENIED;
        break;
    default:
        answer.kind = MTLS_ANSWER_ERROR;
        break;
    }
    return answer;
}

typedef mtls_answer (*answer_classifier)(const mtls_event *event);

static const answer_classifier classifiers[MTLS_APPLICATION_COUNT] = {
    [MTLS_APPLICATION_HTTP1] = classify_http,       [MTLS_APPLICATION_HTTP2] = classify_http,
    [MTLS_APPLICATION_POSTGRESQL] = classify_postgresql, [MTLS_APPLICATION_MYSQL] = classify_mysql,
    [MTLS_APPLICATION_MQTT] = classify_mqtt,        [MTLS_APPLICATION_SMTP] = classify_smtp,
    [MTLS_APPLICATION_LDAP] = classify_ldap,
};

mtls_answer mtls_classify_application_answer(const mtls_event *event)
{
    const mtls_application protocol = event->u.application_answer.protocol;
    if (event->kind != MTLS_EVENT_APPLICATION_ANSWER || protocol >= MTLS_APPLICATION_COUNT)
        return (mtls_answer){MTLS_ANSWER_NONE, 0, NULL};
    return classifiers[protocol](event);
}
