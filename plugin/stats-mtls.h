/* stats-mtls.h - the mTLS statistics tree, registered as a tap plugin.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_STATS_MTLS_H
#define MTLS_STATS_MTLS_H

void register_mtls_stats_tree(void);

#endif
