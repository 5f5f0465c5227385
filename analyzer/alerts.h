/* alerts.h - the TLS alert registry (RFC 8446 section 6 and the TLS Alert
 * Registry): number, name, and what each alert means for client authentication.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_ALERTS_H
#define MTLS_ALERTS_H

#include <stddef.h>

#include "mtls_analyzer.h"

/* code.code is the RFC name, code.title what the sender is saying, and
 * code.category SECURITY when the alert judges the peer's certificate. */
typedef struct {
    int description;
    mtls_code_info code;
} mtls_alert_info;

size_t mtls_alert_count(void);
const mtls_alert_info *mtls_alert_at(size_t index);
/* NULL for an unassigned description. */
const mtls_alert_info *mtls_alert_lookup(int description);
/* The entry an unassigned description stands under: the code unknown_alert. */
const mtls_alert_info *mtls_alert_unassigned(void);

#define MTLS_ALERT_CLOSE_NOTIFY 0
#define MTLS_ALERT_HANDSHAKE_FAILURE 40
#define MTLS_ALERT_NO_CERTIFICATE 41
#define MTLS_ALERT_BAD_CERTIFICATE 42
#define MTLS_ALERT_UNSUPPORTED_CERTIFICATE 43
#define MTLS_ALERT_CERTIFICATE_REVOKED 44
#define MTLS_ALERT_CERTIFICATE_EXPIRED 45
#define MTLS_ALERT_CERTIFICATE_UNKNOWN 46
#define MTLS_ALERT_ILLEGAL_PARAMETER 47
#define MTLS_ALERT_UNKNOWN_CA 48
#define MTLS_ALERT_ACCESS_DENIED 49
#define MTLS_ALERT_DECODE_ERROR 50
#define MTLS_ALERT_DECRYPT_ERROR 51
#define MTLS_ALERT_PROTOCOL_VERSION 70
#define MTLS_ALERT_INSUFFICIENT_SECURITY 71
#define MTLS_ALERT_INTERNAL_ERROR 80
#define MTLS_ALERT_CERTIFICATE_REQUIRED 116

#endif
