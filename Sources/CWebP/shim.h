#include <webp/decode.h>
#include <webp/encode.h>
// WebPGetFeatures and WebPInitConfig are static inline wrappers over versioned internals; re-export them plainly.
static inline VP8StatusCode cwebp_get_features(const uint8_t *data, size_t size, WebPBitstreamFeatures *features) { return WebPGetFeatures(data, size, features); }
static inline int cwebp_init_config(WebPConfig *config) { return WebPConfigInit(config); }
static inline int cwebp_picture_init(WebPPicture *picture) { return WebPPictureInit(picture); }
