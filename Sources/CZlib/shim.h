// zlib for Swift (Debian package zlib1g-dev): the HTML report embeds its JSON gzipped.
// deflateInit2 and inflateInit2 are macros (they pass zlib's version and the stream's size),
// which Swift cannot call; these two wrappers can. windowBits 15 + 16 selects the gzip
// wrapper, the format the browser's DecompressionStream("gzip") and gunzip read.
#include <zlib.h>

static inline int faultbox_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int faultbox_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}
