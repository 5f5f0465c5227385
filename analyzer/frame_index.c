/* frame_index.c - frames to the handshakes they touched, as one sorted array.
 *
 * A capture's first pass notes frames in increasing order, so a note is an
 * append and a lookup a binary search. Wireshark's per-frame proto data
 * would cost a list node and a record per frame, more than twice the
 * 16 bytes an entry takes here, on every frame of every handshake.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "frame_index.h"

typedef struct {
    uint32_t frame;
    uint32_t count;
    union {
        mtls_handshake *one;        /* count == 1: nearly every frame */
        mtls_handshake **several;   /* count > 1, owned */
    } u;
} frame_entry;

struct mtls_frame_index {
    GArray *entries; /* frame_entry, by frame */
};

static void clear_entry(frame_entry *entry)
{
    if (entry->count > 1)
        g_free(entry->u.several);
}

mtls_frame_index *mtls_frame_index_new(void)
{
    mtls_frame_index *index = g_new(mtls_frame_index, 1);
    index->entries = g_array_new(FALSE, FALSE, sizeof(frame_entry));
    g_array_set_clear_func(index->entries, (GDestroyNotify)clear_entry);
    return index;
}

void mtls_frame_index_free(mtls_frame_index *index)
{
    if (index == NULL)
        return;
    g_array_free(index->entries, TRUE);
    g_free(index);
}

/* The position of `frame`, or where it would go. */
static unsigned position_of(const mtls_frame_index *index, uint32_t frame)
{
    unsigned low = 0, high = index->entries->len;
    while (low < high) {
        unsigned middle = low + (high - low) / 2;
        if (g_array_index(index->entries, frame_entry, middle).frame < frame)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

void mtls_frame_index_note(mtls_frame_index *index, uint32_t frame, mtls_handshake *const *handshakes, size_t count)
{
    g_return_if_fail((uint64_t)count <= G_MAXUINT32);
    frame_entry entry = {frame, (uint32_t)count, {NULL}};
    if (count == 1)
        entry.u.one = handshakes[0];
    else if (count > 1)
        entry.u.several = g_memdup2(handshakes, count * sizeof *handshakes);
    GArray *entries = index->entries;
    const unsigned last = entries->len;
    if (last == 0 || g_array_index(entries, frame_entry, last - 1).frame < frame) {
        g_array_append_val(entries, entry);
        return;
    }
    /* Out of order: a frame dissected again before the first pass ended. */
    const unsigned position = position_of(index, frame);
    if (position < entries->len && g_array_index(entries, frame_entry, position).frame == frame) {
        frame_entry *noted = &g_array_index(entries, frame_entry, position);
        clear_entry(noted);
        *noted = entry;
    } else {
        g_array_insert_val(entries, position, entry);
    }
}

size_t mtls_frame_index_find(const mtls_frame_index *index, uint32_t frame, mtls_handshake *const **handshakes)
{
    *handshakes = NULL;
    const unsigned position = position_of(index, frame);
    if (position >= index->entries->len)
        return 0;
    const frame_entry *entry = &g_array_index(index->entries, frame_entry, position);
    if (entry->frame != frame || entry->count == 0)
        return 0;
    *handshakes = entry->count == 1 ? &entry->u.one : entry->u.several;
    return entry->count;
}
