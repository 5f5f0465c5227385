/* packet-mtls.h - registration entry points of the mtls post-dissector.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_PACKET_MTLS_H
#define MTLS_PACKET_MTLS_H

void proto_register_mtls(void);
void proto_reg_handoff_mtls(void);

#endif
