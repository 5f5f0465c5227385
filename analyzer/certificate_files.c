/* certificate_files.c - walks the files a certificate location names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "certificate_files.h"

bool mtls_visit_certificate_files(const char *location, void (*visit)(const char *path, void *data), void *data,
                                  char **error)
{
    if (!g_file_test(location, G_FILE_TEST_IS_DIR)) {
        visit(location, data);
        return true;
    }
    GError *dir_error = NULL;
    GDir *dir = g_dir_open(location, 0, &dir_error);
    if (dir == NULL) {
        *error = g_strdup_printf("cannot read the folder %s: %s", location, dir_error->message);
        g_error_free(dir_error);
        return false;
    }
    for (const char *name = g_dir_read_name(dir); name != NULL; name = g_dir_read_name(dir)) {
        char *path = g_build_filename(location, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
            visit(path, data);
        g_free(path);
    }
    g_dir_close(dir);
    return true;
}
