#include <png.h>
// Function-like macros of the simplified API are not imported into Swift.
static inline size_t cpng_image_row_stride(const png_image *image) { return PNG_IMAGE_ROW_STRIDE(*image); }
static inline size_t cpng_image_buffer_size(const png_image *image) { return PNG_IMAGE_BUFFER_SIZE(*image, PNG_IMAGE_ROW_STRIDE(*image)); }
static inline size_t cpng_image_size(const png_image *image) { return PNG_IMAGE_SIZE(*image); }
static inline int cpng_image_failed(const png_image *image) { return PNG_IMAGE_FAILED(*image); }
static inline size_t cpng_image_png_size_max(const png_image *image) { return PNG_IMAGE_PNG_SIZE_MAX(*image); }
