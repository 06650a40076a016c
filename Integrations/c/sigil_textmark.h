/*
 * sigil_textmark.h - the C interface of Sigil's text mark (libsigiltextmark.so).
 *
 * Sigil's text mark (scheme v1, docs/decisions/0604-text-watermark.md) is a keyed tournament-sampling watermark for
 * the text a language model generates. The generator side needs neither the model nor the tokenizer: it turns the
 * token ids so far and the model's raw next-token logits into the marked next-token distribution, or chooses the
 * token directly. The detector side needs the key and the generator's token ids, or text together with the
 * generator's tokenizer (a tokenizer.json or GGUF file: sigil_textmark_tokenizer).
 *
 * Build:   swift build -c release --product sigiltextmark     ->  .build/release/libsigiltextmark.so
 * Link:    cc app.c -I Integrations/c -L .build/release -lsigiltextmark -Wl,-rpath,<dir of the .so>
 *
 * Conventions
 * - Handles: sigil_textmark_new* returns a handle the caller owns and releases with sigil_textmark_free exactly once.
 *   A handle is immutable after creation; any number of threads may use one handle at the same time, and every call
 *   is reentrant. Do not use a handle after freeing it.
 * - Buffers: every pointer argument is caller-owned memory that the library only reads (const) or writes (out) during
 *   the call; it keeps no pointer after returning and allocates nothing the caller must free.
 * - Lengths: a buffer pointer may be NULL only when its length is 0.
 * - Return codes: 0 (SIGIL_TEXTMARK_OK) or a count/flag/token id >= 0 on success, one of the negative
 *   SIGIL_TEXTMARK_ERR_* codes on error. Errors never crash the process and never throw.
 * - Token ids are int32_t; logits and log-probabilities are float32; a row holds `vocab` entries in token-id order.
 */
#ifndef SIGIL_TEXTMARK_H
#define SIGIL_TEXTMARK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes. */
#define SIGIL_TEXTMARK_OK 0
/* A required pointer (handle, output) is NULL, or a buffer pointer is NULL with a non-zero length. */
#define SIGIL_TEXTMARK_ERR_NULL (-1)
/* Out of range: vocab is 0 or above INT32_MAX, a length is above PTRDIFF_MAX, the temperature is not a finite
   number > 0, or the uniform draw is not in [0, 1). */
#define SIGIL_TEXTMARK_ERR_ARGUMENT (-2)
/* An output buffer is too small (sigil_textmark_key_id needs 17 bytes). */
#define SIGIL_TEXTMARK_ERR_BUFFER (-3)
/* No logit is finite (all -inf or NaN), so there is no distribution to sample. */
#define SIGIL_TEXTMARK_ERR_NO_FINITE_LOGIT (-4)
/* The text given to sigil_textmark_detect_text is not valid UTF-8. */
#define SIGIL_TEXTMARK_ERR_UTF8 (-5)

/* Opaque: one key under the current scheme (v1). */
typedef struct sigil_textmark sigil_textmark;

/* Opaque: the generator's tokenizer, for detecting text. Immutable; shareable across threads like sigil_textmark. */
typedef struct sigil_textmark_tokenizer sigil_textmark_tokenizer;

/* What sigil_textmark_detect_ids found. 72 bytes: four doubles then five int64_t, no padding. */
typedef struct {
    double p_value;     /* the p-value, corrected for every window tested (Bonferroni); 1 when nothing was scored */
    double log10_p;     /* log10 of p_value, finite even where p_value underflows to 0 */
    double z;           /* the whole text's z-score over all scored g-values (0 when nothing was scored) */
    double mean_g;      /* fraction of scored g-values equal to 1 (0.5 expected without the mark) */
    int64_t tokens;     /* ids given */
    int64_t scored;     /* distinct (context, token) pairs scored; the first 2 ids and repeats are not */
    int64_t span_start; /* the most strongly marked run of ids, [span_start, span_end); -1, -1 when nothing scored */
    int64_t span_end;
    int64_t tests;      /* how many tests (whole text + windows) the p-value was corrected for */
} sigil_textmark_result;

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(sigil_textmark_result) == 72, "sigil_textmark_result is 72 bytes");
#endif

/* The scheme version this library marks and detects (1). */
int32_t sigil_textmark_scheme_version(void);

/* A static English description of a return code; never NULL, never to be freed. */
const char *sigil_textmark_status_string(int32_t status);

/* A handle for the provider's 32-byte watermark key (keystore item watermark.key); the text-mark key is derived from
   it with HMAC-SHA256, so the same secret can serve the image and audio marks. The library copies the key.
   Returns NULL when watermark_key is NULL or length is not 32. */
sigil_textmark *sigil_textmark_new(const uint8_t *watermark_key, size_t length);

/* A handle for a passphrase (SHA-256 of its UTF-8 bytes stands in for the watermark key): for demonstrations and
   benchmarks only, never for production keys. Returns NULL when passphrase is NULL, empty or not valid UTF-8. */
sigil_textmark *sigil_textmark_new_passphrase(const char *passphrase);

/* Releases a handle. NULL is ignored. */
void sigil_textmark_free(sigil_textmark *textmark);

/* Writes the key id (16 lower-case hex digits and a NUL; it names the key in records without revealing it) into
   out, which must hold out_len >= 17 bytes. Returns 0, SIGIL_TEXTMARK_ERR_NULL or SIGIL_TEXTMARK_ERR_BUFFER. */
int sigil_textmark_key_id(const sigil_textmark *textmark, char *out, size_t out_len);

/* Whether the token after context[0..n) is sampled with the mark: 1 when its two-token context is complete and has
   not occurred earlier in context, 0 otherwise (such tokens are sampled from the model's distribution unchanged).
   context is the whole sequence so far: prompt ids then generated ids. Returns 1, 0 or a negative error code. */
int sigil_textmark_marks(const sigil_textmark *textmark, const int32_t *context, size_t n);

/* The marked next-token distribution, for samplers that draw the token themselves (Hugging Face, vLLM, llama.cpp):
   writes log(p'(x)) for every token x into out_logprobs[0..vocab) (natural log; -INFINITY outside the support).
   logits[0..vocab) are the model's raw logits (NaN and -inf entries are banned tokens and stay out of the support);
   temperature (> 0) is applied here, so the caller must not apply it again and must sample exactly from
   softmax(out_logprobs) (no further top-k/top-p, which would break the mark's unbiasedness). context is the whole
   sequence so far (prompt then generated ids). out_logprobs may alias logits. Returns 0 or a negative error code; on
   SIGIL_TEXTMARK_ERR_NO_FINITE_LOGIT out_logprobs is all -INFINITY, on other errors it is untouched. */
int sigil_textmark_process_logits(const sigil_textmark *textmark, const int32_t *context, size_t n,
                                  const float *logits, size_t vocab, double temperature, float *out_logprobs);

/* Chooses the next token from the same marked distribution with the caller's uniform draw u in [0, 1) (inverse CDF
   in token-id order), so the caller keeps control of the randomness. Draw u fresh for every token: the mark needs
   ordinary randomness, not the key, to choose. Returns the token id (>= 0) or a negative error code. */
int32_t sigil_textmark_sample(const sigil_textmark *textmark, const int32_t *context, size_t n, const float *logits,
                              size_t vocab, double temperature, double u);

/* Tests the generator's token ids ids[0..n) for this key's mark (no tokenizer involved: pass the ids the generator
   produced, or the ids its tokenizer gives the text without special tokens). Writes *out. Returns 0 or a negative
   error code. n = 0 is valid (p_value 1). */
int sigil_textmark_detect_ids(const sigil_textmark *textmark, const int32_t *ids, size_t n, sigil_textmark_result *out);

/* Reads the generator's tokenizer from a tokenizer.json (Hugging Face: byte-level BPE as in GPT-2/SmolLM2, BPE with
   byte fallback as in Gemma) or a GGUF model file (its vocabulary metadata only). Returns a handle the caller owns
   (release with sigil_textmark_tokenizer_free), or NULL when path is NULL or the file cannot be read or is not a
   supported tokenizer; then, when error is not NULL and error_len > 0, the reason is written there (NUL-terminated,
   truncated to error_len - 1 bytes). */
sigil_textmark_tokenizer *sigil_textmark_tokenizer_load(const char *path, char *error, size_t error_len);

/* Releases a tokenizer handle. NULL is ignored. */
void sigil_textmark_tokenizer_free(sigil_textmark_tokenizer *tokenizer);

/* The number of token ids the tokenizer knows (the length of the generator's logits rows), or a negative error. */
int64_t sigil_textmark_tokenizer_vocab_size(const sigil_textmark_tokenizer *tokenizer);

/* Tests UTF-8 text text[0..length) (no NUL needed) for this key's mark: tokenized as the generator would (no special
   tokens), and again after removing zero-width characters and after mapping full-width punctuation to ASCII when
   those change the text; the best result is written to *out with its p-value corrected for the variants tried.
   span_start/span_end index the tokenization of the text. Returns 0, SIGIL_TEXTMARK_ERR_NULL,
   SIGIL_TEXTMARK_ERR_ARGUMENT or SIGIL_TEXTMARK_ERR_UTF8. length = 0 is valid (p_value 1). */
int sigil_textmark_detect_text(const sigil_textmark *textmark, const sigil_textmark_tokenizer *tokenizer,
                               const char *text, size_t length, sigil_textmark_result *out);

#ifdef __cplusplus
}
#endif

#endif /* SIGIL_TEXTMARK_H */
