/* sigil_textmark_demo.c - the C interface end to end: sample 200 marked tokens from synthetic logits, then detect.
 *
 *   swift build -c release --product sigiltextmark
 *   cc -std=c11 -I Integrations/c Integrations/c/example/sigil_textmark_demo.c -o demo \
 *      -L .build/release -lsigiltextmark -Wl,-rpath,$PWD/.build/release -lm && ./demo
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sigil_textmark.h"

enum { VOCAB = 500, TOKENS = 200 };

/* A small xorshift generator: the demo's randomness and its synthetic "model". */
static uint64_t state = 88172645463325252ull;
static double uniform(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (double)(state >> 11) / 9007199254740992.0;
}

int main(void) {
    sigil_textmark *mark = sigil_textmark_new_passphrase("sigil-c-demo");
    if (!mark) return 1;
    char key_id[17];
    if (sigil_textmark_key_id(mark, key_id, sizeof key_id) != SIGIL_TEXTMARK_OK) return 2;
    printf("key %s, scheme v%d\n", key_id, (int)sigil_textmark_scheme_version());

    /* Errors are codes, never crashes. */
    if (sigil_textmark_marks(NULL, NULL, 0) != SIGIL_TEXTMARK_ERR_NULL) return 3;
    printf("NULL handle: %s\n", sigil_textmark_status_string(SIGIL_TEXTMARK_ERR_NULL));

    int32_t ids[TOKENS + 2] = {1, 2};
    int32_t random_ids[TOKENS + 2];
    float logits[VOCAB], logprobs[VOCAB];
    for (int step = 0; step < TOKENS; step++) {
        for (int v = 0; v < VOCAB; v++) logits[v] = (float)(4 * uniform() * uniform() * (uniform() < 0.5 ? -1 : 1));
        size_t n = (size_t)step + 2;
        /* Either path: the distribution for an external sampler, or the token from a uniform draw. */
        if (sigil_textmark_process_logits(mark, ids, n, logits, VOCAB, 1.0, logprobs) != SIGIL_TEXTMARK_OK) return 4;
        double u = uniform(), cumulative = 0;
        int32_t chosen = VOCAB - 1;
        for (int v = 0; v < VOCAB; v++) {
            cumulative += exp(logprobs[v]);
            if (cumulative > u) { chosen = v; break; }
        }
        int32_t token = sigil_textmark_sample(mark, ids, n, logits, VOCAB, 1.0, u);
        if (token < 0) return 5;
        if (token != chosen && fabs(cumulative - u) > 1e-5) fprintf(stderr, "step %d: %d vs %d\n", step, token, chosen);
        ids[n] = token;
    }
    for (int i = 0; i < TOKENS + 2; i++) random_ids[i] = (int32_t)(uniform() * VOCAB);

    sigil_textmark_result marked, unmarked;
    if (sigil_textmark_detect_ids(mark, ids, TOKENS + 2, &marked) != SIGIL_TEXTMARK_OK) return 6;
    if (sigil_textmark_detect_ids(mark, random_ids, TOKENS + 2, &unmarked) != SIGIL_TEXTMARK_OK) return 7;
    printf("marked: %s (p %.3g, log10 p %.1f, z %.2f, %lld scored of %lld, span %lld..%lld, %lld tests)\n",
           marked.p_value <= 1e-6 ? "yes" : "no", marked.p_value, marked.log10_p, marked.z, (long long)marked.scored,
           (long long)marked.tokens, (long long)marked.span_start, (long long)marked.span_end, (long long)marked.tests);
    printf("unmarked: %s (p %.3g)\n", unmarked.p_value <= 1e-6 ? "yes" : "no", unmarked.p_value);
    sigil_textmark_free(mark);
    return 0;
}
