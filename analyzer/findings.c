/* findings.c - the finding list of one handshake.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "findings.h"

#include <string.h>

static void finding_free(gpointer data)
{
    mtls_finding *finding = data;
    g_free(finding->message);
    g_free(finding);
}

GPtrArray *mtls_findings_new(void)
{
    return g_ptr_array_new_with_free_func(finding_free);
}

static bool findings_have(const GPtrArray *findings, const char *code)
{
    for (unsigned i = 0; i < findings->len; i++) {
        const mtls_finding *finding = g_ptr_array_index(findings, i);
        if (strcmp(finding->info->code, code) == 0)
            return true;
    }
    return false;
}

void mtls_finding_free(mtls_finding *finding)
{
    finding_free(finding);
}

void mtls_findings_take(GPtrArray *findings, mtls_finding *finding)
{
    if (findings_have(findings, finding->info->code))
        finding_free(finding);
    else
        g_ptr_array_add(findings, finding);
}

/* A finding of `code` for `findings`, without its text; NULL when the code
 * is already there. */
static mtls_finding *new_finding(GPtrArray *findings, const char *code, uint32_t frame, mtls_evidence evidence)
{
    const mtls_code_info *info = mtls_code_lookup(code);
    g_return_val_if_fail(info != NULL, NULL);
    if (findings_have(findings, code))
        return NULL;

    mtls_finding *finding = g_new0(mtls_finding, 1);
    finding->info = info;
    finding->frame = frame;
    for (size_t i = 0; i < MTLS_MAX_EVIDENCE_FRAMES; i++) {
        uint32_t proof = evidence.frames[i];
        bool already_listed = proof == frame;
        for (size_t j = 0; j < finding->evidence_count; j++)
            already_listed = already_listed || finding->evidence[j] == proof;
        if (proof != 0 && !already_listed)
            finding->evidence[finding->evidence_count++] = proof;
    }
    return finding;
}

bool mtls_findings_add(GPtrArray *findings, const char *code, uint32_t frame, mtls_evidence evidence,
                       const char *format, ...)
{
    mtls_finding *finding = new_finding(findings, code, frame, evidence);
    if (finding == NULL)
        return false;
    va_list args;
    va_start(args, format);
    finding->message = g_strdup_vprintf(format, args);
    va_end(args);
    g_ptr_array_add(findings, finding);
    return true;
}

bool mtls_findings_add_composed(GPtrArray *findings, const char *code, uint32_t frame, mtls_evidence evidence,
                                mtls_finding_composer compose, uint32_t detail)
{
    mtls_finding *finding = new_finding(findings, code, frame, evidence);
    if (finding == NULL)
        return false;
    finding->compose = compose;
    finding->detail = detail;
    g_ptr_array_add(findings, finding);
    return true;
}
