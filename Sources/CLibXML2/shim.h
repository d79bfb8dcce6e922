// libxml2 for Swift. ICU is undefined first: on this toolchain a module that imports
// Foundation and also sees libxml2's ICU-enabled headers fails on clashing ICU headers.
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/parser.h>
