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

#if defined(__GLIBC__)
#include <malloc.h>
int sigil_set_allocator_thresholds(int mmap_threshold, int trim_threshold) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1;
}
#else
int sigil_set_allocator_thresholds(int mmap_threshold, int trim_threshold) {
    (void)mmap_threshold;
    (void)trim_threshold;
    return 0;
}
#endif
