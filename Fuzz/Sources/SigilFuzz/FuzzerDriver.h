// libFuzzer's entry point for programs that bring their own main (LLVM >= 11).
// SwiftPM links executables with `--defsym main=SigilFuzz_main`, so the harness defines
// SigilFuzz_main and hands control to libFuzzer through this function.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
