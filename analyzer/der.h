/* der.h - the few DER readings the analyzer makes itself, where GnuTLS
 * would decode a whole structure to answer one question: an element's tag
 * and content, and where a certificate's fields are by their position.
 * Every reading is bounded by the bytes given; what does not fit is false.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_DER_H
#define MTLS_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MTLS_DER_SEQUENCE 0x30

/* The element at *cursor (before `end`): its tag and content, and *cursor
 * past it. Definite lengths of up to four octets only, as DER has them. */
bool mtls_der_read(const uint8_t **cursor, const uint8_t *end, uint8_t *tag, const uint8_t **content,
                   size_t *length);

/* The fields of a certificate's tbsCertificate after its serial number, by position. */
typedef enum {
    MTLS_TBS_SIGNATURE,
    MTLS_TBS_ISSUER,
    MTLS_TBS_VALIDITY,
    MTLS_TBS_SUBJECT,
    MTLS_TBS_PUBLIC_KEY_INFO
} mtls_tbs_field;

/* The whole element (tag, length and content) of `field` in the DER
 * certificate; only the order of the elements is read. */
bool mtls_der_certificate_field(const uint8_t *der, size_t length, mtls_tbs_field field, const uint8_t **element,
                                size_t *element_length);

#endif
