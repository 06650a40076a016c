#include <chromaprint.h>

/// The default fingerprint algorithm, as an int (the C enum imports as a struct).
static inline int cchromaprint_algorithm_default(void) { return CHROMAPRINT_ALGORITHM_DEFAULT; }
