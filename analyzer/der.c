/* der.c - minimal DER readings.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "der.h"

#define DER_INTEGER 0x02
#define DER_EXPLICIT_VERSION 0xa0
#define DER_LONG_LENGTH 0x80

bool mtls_der_read(const uint8_t **cursor, const uint8_t *end, uint8_t *tag, const uint8_t **content,
                   size_t *length)
{
    const uint8_t *p = *cursor;
    if (end - p < 2)
        return false;
    *tag = p[0];
    size_t size = p[1];
    p += 2;
    if (size & DER_LONG_LENGTH) {
        const size_t octets = size & 0x7f;
        if (octets == 0 || octets > 4 || (size_t)(end - p) < octets)
            return false;
        size = 0;
        for (size_t i = 0; i < octets; i++)
            size = (size << 8) | p[i];
        p += octets;
    }
    if ((size_t)(end - p) < size)
        return false;
    *content = p;
    *length = size;
    *cursor = p + size;
    return true;
}

/* Certificate, then tbsCertificate, then [0] version (optional) and
 * serialNumber; the fields asked for follow, each a SEQUENCE. */
bool mtls_der_certificate_field(const uint8_t *der, size_t length, mtls_tbs_field field, const uint8_t **element,
                                size_t *element_length)
{
    const uint8_t *cursor = der, *content;
    size_t size;
    uint8_t tag;
    if (!mtls_der_read(&cursor, der + length, &tag, &content, &size) || tag != MTLS_DER_SEQUENCE)
        return false;
    cursor = content;
    const uint8_t *certificate_end = content + size;
    if (!mtls_der_read(&cursor, certificate_end, &tag, &content, &size) || tag != MTLS_DER_SEQUENCE)
        return false;
    cursor = content;
    const uint8_t *tbs_end = content + size;
    if (!mtls_der_read(&cursor, tbs_end, &tag, &content, &size))
        return false;
    if (tag == DER_EXPLICIT_VERSION && !mtls_der_read(&cursor, tbs_end, &tag, &content, &size))
        return false;
    if (tag != DER_INTEGER)
        return false;
    for (int i = 0; i <= (int)field; i++) {
        const uint8_t *start = cursor;
        if (!mtls_der_read(&cursor, tbs_end, &tag, &content, &size) || tag != MTLS_DER_SEQUENCE)
            return false;
        if (i == (int)field) {
            *element = start;
            *element_length = (size_t)(cursor - start);
        }
    }
    return true;
}
