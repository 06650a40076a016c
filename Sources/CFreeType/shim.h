#include <ft2build.h>
#include FT_FREETYPE_H
static inline FT_Int32 cfreetype_load_render(void) { return FT_LOAD_RENDER; }
static inline FT_Int32 cfreetype_load_default(void) { return FT_LOAD_DEFAULT; }
static inline FT_Int32 cfreetype_load_target_normal(void) { return FT_LOAD_TARGET_NORMAL; }
static inline FT_Int32 cfreetype_load_no_bitmap(void) { return FT_LOAD_NO_BITMAP; }
static inline FT_Long cfreetype_face_flag_scalable(void) { return FT_FACE_FLAG_SCALABLE; }
