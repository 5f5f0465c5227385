/* certificate_files.h - where certificates are read from: one file (a PEM
 * bundle or a DER certificate) or a folder of them, as trust stores and the
 * registered client certificates are given.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_CERTIFICATE_FILES_H
#define MTLS_CERTIFICATE_FILES_H

#include <glib.h>
#include <stdbool.h>

/* Calls `visit` with `location` when it is a file, or with each regular file
 * of the folder `location` (like OpenSSL's CApath). Returns false and sets
 * *error (g_free it) when the folder cannot be read. */
bool mtls_visit_certificate_files(const char *location, void (*visit)(const char *path, void *data), void *data,
                                  char **error);

#endif
