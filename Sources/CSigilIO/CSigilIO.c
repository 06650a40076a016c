#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>
#include "CSigilIO.h"

long sigil_copy_file_range(int in, int64_t *in_offset, int out, size_t length) {
#if defined(__linux__)
    off64_t offset = (off64_t)*in_offset;
    ssize_t n = copy_file_range(in, &offset, out, NULL, length, 0);
    if (n > 0) *in_offset = (int64_t)offset;
    return (long)n;
#else
    (void)in; (void)in_offset; (void)out; (void)length;
    errno = ENOSYS;
    return -1;
#endif
}
