// Numeric kernels the Swift compiler does not vectorise well on Linux: loops with square roots (Swift's `squareRoot()`
// keeps libm's errno path, so they stay scalar) and the transposes between rows and lane-interleaved points. Each
// kernel computes, lane by lane, exactly the scalar formula it documents (IEEE square root and division are correctly
// rounded in vector and scalar form alike), or only moves data, so results are bit-identical to the scalar forms.
#pragma once
#include <stddef.h>

/// The watermark detector's whitening step, in place over `count` samples:
/// rms = sqrt(max(energy, 0)) + 1; v = residual * (4 / (rms * sqrt(rms))); residual = clamp(v, -clip, clip).
void sigil_whiten(float *residual, const float *energy, size_t count, float clip);

/// Eight rows into lane-interleaved points: `lanes[x * 8 + j] = rows[j * stride + x]` for `x < width` and `j < count`
/// (count ≤ 8), 0 in the lanes of missing rows. Pure data movement, four columns at a time.
void sigil_rows_to_lanes(const float *rows, size_t stride, size_t width, size_t count, float *lanes);

/// The inverse of `sigil_rows_to_lanes`: `rows[j * stride + x] = lanes[x * 8 + j]` for `x < width`, `j < count`.
void sigil_lanes_to_rows(const float *lanes, size_t width, size_t count, float *rows, size_t stride);
