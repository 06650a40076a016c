#include <ebur128.h>

/// The integrated-loudness and sample-peak modes, as an int (the C enum imports as a struct).
static inline int cebur128_mode_integrated_and_peak(void) { return EBUR128_MODE_I | EBUR128_MODE_SAMPLE_PEAK; }
