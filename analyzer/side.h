/* side.h - the two ends of a connection: which one sent a message, and whose
 * chain is judged.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_SIDE_H
#define MTLS_SIDE_H

typedef enum { MTLS_SIDE_UNKNOWN, MTLS_SIDE_CLIENT, MTLS_SIDE_SERVER } mtls_side;

/* "client", "server", or "peer" when it is not known. */
const char *mtls_side_name(mtls_side side);

#endif
