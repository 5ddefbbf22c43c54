// libcsv from Debian's libcsv-dev (no pkg-config file is shipped, so the
// header is included by its installed path and the library linked by name).
#include <csv.h>

// libcsv trims spaces and tabs around unquoted fields unless told that no byte is a
// space. It asks for every byte, so the answer is a C function: a Swift closure here
// costs a thunk per byte of input.
static inline int veto_csv_no_space(unsigned char c) { (void)c; return 0; }

// Large buffers mapped on their own (see VetoCSV's `Memory`): glibc's mallopt, which the
// Swift Glibc module does not export. A no-op elsewhere.
#if defined(__GLIBC__)
#include <malloc.h>
static inline void veto_map_large_buffers(int bytes) { (void)mallopt(M_MMAP_THRESHOLD, bytes); }
static inline void veto_return_free_memory(void) { (void)malloc_trim(0); }
#else
static inline void veto_map_large_buffers(int bytes) { (void)bytes; }
static inline void veto_return_free_memory(void) {}
#endif
