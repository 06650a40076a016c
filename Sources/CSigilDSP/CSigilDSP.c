#include "CSigilDSP.h"

#if defined(__SSE2__)
#include <xmmintrin.h>
#include <emmintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

static inline float whiten_one(float residual, float energy, float clip) {
    float rms = __builtin_sqrtf(energy > 0 ? energy : 0) + 1;
    float v = residual * (4 / (rms * __builtin_sqrtf(rms)));
    return v < -clip ? -clip : (v > clip ? clip : v);
}

void sigil_whiten(float *residual, const float *energy, size_t count, float clip) {
    size_t i = 0;
#if defined(__SSE2__)
    const __m128 zero = _mm_setzero_ps(), one = _mm_set1_ps(1), four = _mm_set1_ps(4);
    const __m128 lo = _mm_set1_ps(-clip), hi = _mm_set1_ps(clip);
    for (; i + 4 <= count; i += 4) {
        __m128 e = _mm_loadu_ps(energy + i);
        // max(e, 0) as the scalar form's select: e where e > 0, else 0.
        __m128 positive = _mm_and_ps(_mm_cmpgt_ps(e, zero), e);
        __m128 rms = _mm_add_ps(_mm_sqrt_ps(positive), one);
        __m128 v = _mm_mul_ps(_mm_loadu_ps(residual + i), _mm_div_ps(four, _mm_mul_ps(rms, _mm_sqrt_ps(rms))));
        // clamp as the scalar form's selects: -clip where v < -clip, clip where v > clip, else v.
        __m128 below = _mm_cmplt_ps(v, lo), above = _mm_cmpgt_ps(v, hi);
        v = _mm_or_ps(_mm_and_ps(below, lo), _mm_andnot_ps(below, v));
        v = _mm_or_ps(_mm_and_ps(above, hi), _mm_andnot_ps(above, v));
        _mm_storeu_ps(residual + i, v);
    }
#elif defined(__ARM_NEON) && defined(__aarch64__)
    const float32x4_t zero = vdupq_n_f32(0), one = vdupq_n_f32(1), four = vdupq_n_f32(4);
    const float32x4_t lo = vdupq_n_f32(-clip), hi = vdupq_n_f32(clip);
    for (; i + 4 <= count; i += 4) {
        float32x4_t e = vld1q_f32(energy + i);
        float32x4_t positive = vbslq_f32(vcgtq_f32(e, zero), e, zero);
        float32x4_t rms = vaddq_f32(vsqrtq_f32(positive), one);
        float32x4_t v = vmulq_f32(vld1q_f32(residual + i), vdivq_f32(four, vmulq_f32(rms, vsqrtq_f32(rms))));
        v = vbslq_f32(vcltq_f32(v, lo), lo, v);
        v = vbslq_f32(vcgtq_f32(v, hi), hi, v);
        vst1q_f32(residual + i, v);
    }
#endif
    for (; i < count; i++) residual[i] = whiten_one(residual[i], energy[i], clip);
}

void sigil_rows_to_lanes(const float *rows, size_t stride, size_t width, size_t count, float *lanes) {
    size_t x = 0;
#if defined(__SSE2__)
    if (count == 8) {
        for (; x + 4 <= width; x += 4) {
            __m128 a0 = _mm_loadu_ps(rows + x), a1 = _mm_loadu_ps(rows + stride + x);
            __m128 a2 = _mm_loadu_ps(rows + 2 * stride + x), a3 = _mm_loadu_ps(rows + 3 * stride + x);
            __m128 b0 = _mm_loadu_ps(rows + 4 * stride + x), b1 = _mm_loadu_ps(rows + 5 * stride + x);
            __m128 b2 = _mm_loadu_ps(rows + 6 * stride + x), b3 = _mm_loadu_ps(rows + 7 * stride + x);
            _MM_TRANSPOSE4_PS(a0, a1, a2, a3);
            _MM_TRANSPOSE4_PS(b0, b1, b2, b3);
            float *out = lanes + x * 8;
            _mm_storeu_ps(out, a0);
            _mm_storeu_ps(out + 4, b0);
            _mm_storeu_ps(out + 8, a1);
            _mm_storeu_ps(out + 12, b1);
            _mm_storeu_ps(out + 16, a2);
            _mm_storeu_ps(out + 20, b2);
            _mm_storeu_ps(out + 24, a3);
            _mm_storeu_ps(out + 28, b3);
        }
    }
#endif
    for (; x < width; x++) {
        float *out = lanes + x * 8;
        for (size_t j = 0; j < 8; j++) out[j] = j < count ? rows[j * stride + x] : 0;
    }
}

void sigil_lanes_to_rows(const float *lanes, size_t width, size_t count, float *rows, size_t stride) {
    size_t x = 0;
#if defined(__SSE2__)
    if (count == 8) {
        for (; x + 4 <= width; x += 4) {
            const float *in = lanes + x * 8;
            __m128 a0 = _mm_loadu_ps(in), b0 = _mm_loadu_ps(in + 4);
            __m128 a1 = _mm_loadu_ps(in + 8), b1 = _mm_loadu_ps(in + 12);
            __m128 a2 = _mm_loadu_ps(in + 16), b2 = _mm_loadu_ps(in + 20);
            __m128 a3 = _mm_loadu_ps(in + 24), b3 = _mm_loadu_ps(in + 28);
            _MM_TRANSPOSE4_PS(a0, a1, a2, a3);
            _MM_TRANSPOSE4_PS(b0, b1, b2, b3);
            _mm_storeu_ps(rows + x, a0);
            _mm_storeu_ps(rows + stride + x, a1);
            _mm_storeu_ps(rows + 2 * stride + x, a2);
            _mm_storeu_ps(rows + 3 * stride + x, a3);
            _mm_storeu_ps(rows + 4 * stride + x, b0);
            _mm_storeu_ps(rows + 5 * stride + x, b1);
            _mm_storeu_ps(rows + 6 * stride + x, b2);
            _mm_storeu_ps(rows + 7 * stride + x, b3);
        }
    }
#endif
    for (; x < width; x++) {
        const float *in = lanes + x * 8;
        for (size_t j = 0; j < count; j++) rows[j * stride + x] = in[j];
    }
}
