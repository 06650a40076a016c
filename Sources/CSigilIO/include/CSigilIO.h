// Kernel and C-library calls Glibc's Swift module does not expose (they need _GNU_SOURCE or <malloc.h>).
#pragma once
#include <stddef.h>
#include <stdint.h>

/// copy_file_range(2) from `in` at *in_offset to `out` at its file position; -1 with errno on failure
/// (ENOSYS where the kernel or libc lacks it).
long sigil_copy_file_range(int in, int64_t *in_offset, int out, size_t length);

/// mallopt(3) M_MMAP_THRESHOLD and M_TRIM_THRESHOLD (bytes); 1 when both were set, 0 otherwise (and where the C
/// library has no mallopt).
int sigil_set_allocator_thresholds(int mmap_threshold, int trim_threshold);
