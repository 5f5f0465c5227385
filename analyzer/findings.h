/* findings.h - appending findings to a handshake's list. Owns the
 * mtls_finding allocations and the rule that a code is reported once per
 * handshake.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_FINDINGS_H
#define MTLS_FINDINGS_H

#include <glib.h>

#include "mtls_analyzer.h"

/* Frames that prove a finding besides the one it is reported on; 0 = unused. */
typedef struct {
    uint32_t frames[MTLS_MAX_EVIDENCE_FRAMES];
} mtls_evidence;

/* A GPtrArray of mtls_finding*, freeing its elements. */
GPtrArray *mtls_findings_new(void);

/* Appends a finding unless the same code was already reported in `findings`.
 * Returns whether it was added. */
bool mtls_findings_add(GPtrArray *findings, const char *code, uint32_t frame, mtls_evidence evidence,
                       const char *format, ...) G_GNUC_PRINTF(5, 6);

/* The same, for a finding whose text `compose` makes when it is read. */
bool mtls_findings_add_composed(GPtrArray *findings, const char *code, uint32_t frame, mtls_evidence evidence,
                                mtls_finding_composer compose, uint32_t detail);

/* Moves `finding` into `findings` unless its code is already there (then it
 * is freed). */
void mtls_findings_take(GPtrArray *findings, mtls_finding *finding);

/* Frees a finding that was never added to a list. */
void mtls_finding_free(mtls_finding *finding);

#endif
