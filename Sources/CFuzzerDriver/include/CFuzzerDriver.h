// libFuzzer's driver, called from our own main() (docs/fuzzing.md): SwiftPM links every
// executable with main pointing at the module's @main entry, so libFuzzer's main() is never
// the one that runs. Only fuzzing builds (-sanitize=fuzzer) define this symbol; the code
// that calls it is compiled only under -DFUZZING.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*callback)(const uint8_t *data, size_t size));
