/* public_roots.h - this machine's system CA bundle, read as a catalogue of
 * public roots (not as a trust decision) and looked up by subject name.
 * Owned by the configuration (config.c), read on first need.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_PUBLIC_ROOTS_H
#define MTLS_PUBLIC_ROOTS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct mtls_public_roots mtls_public_roots;

/* The PEM bundle at `path`, indexed by subject; NULL when it cannot be read
 * or holds no certificate whose subject can be found. */
mtls_public_roots *mtls_public_roots_from_file(const char *path);
/* The system's: on Unix other than macOS, the first PEM bundle with
 * certificates where such systems keep one; else GnuTLS's system trust
 * (macOS and Windows keep theirs in a store); NULL when there is none. */
mtls_public_roots *mtls_public_roots_load_system(void);
/* GnuTLS's system trust, indexed the same way; NULL when it holds none. */
mtls_public_roots *mtls_public_roots_from_gnutls_system_trust(void);
void mtls_public_roots_free(mtls_public_roots *roots);
size_t mtls_public_roots_count(const mtls_public_roots *roots);

/* Calls `take` with the DER of each root whose subject is `name` (a DER
 * Name), until it returns true. */
typedef bool (*mtls_root_candidate_fn)(const uint8_t *der, size_t length, void *user_data);
void mtls_public_roots_named(const mtls_public_roots *roots, const uint8_t *name, size_t length,
                             mtls_root_candidate_fn take, void *user_data);

#endif
