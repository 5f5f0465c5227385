/* http_reader.c - HTTP responses to analyzer events.
 *
 * Only the status and the start of the body are read: the analyzer needs the
 * status, and the title of an error page to recognise nginx's refusals. The
 * body is taken as bytes from the item's data source, so the field's type
 * (a string in 4.0, bytes later) does not matter.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#define WS_LOG_DOMAIN "mtls"
#include <wireshark.h>

#include "http_reader.h"

#include <epan/proto.h>
#include <epan/tvbuff.h>

#include "ws_compat.h"

/* nginx's error pages put their title in the first hundred bytes. */
#define BODY_BYTES_READ 512

typedef struct {
    const char *name;
    int id;
} http_field;

static http_field http1_status = {"http.response.code", -1};
static http_field http1_version = {"http.response.version", -1};
static http_field http1_body = {"http.file_data", -1};
static http_field http2_status = {"http2.headers.status", -1};
static http_field http2_body = {"http2.data.data", -1};

static void resolve(http_field *field, GArray *wanted)
{
    field->id = proto_registrar_get_id_byname(field->name);
    if (field->id <= 0) {
        /* A Wireshark built without nghttp2 has no HTTP/2 header fields. Its
         * answers then stay unseen, which the verdict says; a warning on every
         * start would only be noise. */
        ws_info("field %s is not registered in this Wireshark; answers it carries will not be read",
                field->name);
        return;
    }
    g_array_append_val(wanted, field->id);
}

void http_reader_init(GArray *wanted)
{
    resolve(&http1_status, wanted);
    resolve(&http1_version, wanted);
    resolve(&http1_body, wanted);
    resolve(&http2_status, wanted);
    resolve(&http2_body, wanted);
}

static field_info *first(proto_tree *tree, const http_field *field)
{
    if (field->id <= 0)
        return NULL;
    GPtrArray *found = proto_get_finfo_ptr_array(tree, field->id);
    return found && found->len ? g_ptr_array_index(found, 0) : NULL;
}

static mtls_blob body_start(const field_info *fi)
{
    mtls_blob body = {NULL, 0};
    if (fi == NULL || fi->ds_tvb == NULL || fi->length <= 0)
        return body;
    int available = tvb_captured_length_remaining(fi->ds_tvb, fi->start);
    int length = MIN(MIN(fi->length, available), BODY_BYTES_READ);
    if (length <= 0)
        return body;
    body.data = tvb_get_ptr(fi->ds_tvb, fi->start, length);
    body.length = (size_t)length;
    return body;
}

/* The status is a number in the dissectors this was written against; read a
 * string too, so another version's choice of type cannot trip an assertion. */
static uint16_t status_of(field_info *fi)
{
    switch (fi->hfinfo->type) {
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
        return (uint16_t)fvalue_get_uinteger(MTLS_FI_VALUE(fi));
    case FT_STRING:
    case FT_STRINGZ: {
        const char *text = fvalue_get_string(MTLS_FI_VALUE(fi));
        uint64_t value = 0;
        return text && g_ascii_string_to_unsigned(text, 10, 100, 599, &value, NULL) ? (uint16_t)value : 0;
    }
    default:
        return 0;
    }
}

void http_reader_read_frame(proto_tree *tree, tls_event_sink sink, void *user_data)
{
    if (tree == NULL)
        return;
    mtls_event event = {.kind = MTLS_EVENT_HTTP_RESPONSE};
    field_info *status = first(tree, &http1_status);
    if (status != NULL) {
        field_info *version = first(tree, &http1_version);
        event.u.http_response.status = status_of(status);
        event.u.http_response.protocol =
            version && version->hfinfo->type == FT_STRING ? fvalue_get_string(MTLS_FI_VALUE(version)) : "HTTP/1.x";
        event.u.http_response.body = body_start(first(tree, &http1_body));
    } else if ((status = first(tree, &http2_status)) != NULL) {
        event.u.http_response.status = status_of(status);
        event.u.http_response.protocol = "HTTP/2";
        event.u.http_response.body = body_start(first(tree, &http2_body));
    } else if ((status = first(tree, &http2_body)) != NULL) {
        /* A DATA frame after the HEADERS: the body of the answer read before. */
        event.u.http_response.protocol = "HTTP/2";
        event.u.http_response.body = body_start(status);
    } else {
        return;
    }
    sink(&event, user_data);
}
