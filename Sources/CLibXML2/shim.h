// libxml2 for Swift. xmlversion.h defines LIBXML_ICU_ENABLED on Debian; encoding.h then pulls
// in ICU's headers, which clash with the ICU copy that Foundation's module map exports. So
// xmlversion.h is included first and the macro undefined before anything else sees it. The
// only struct whose layout this changes (xmlCharEncodingHandler) is never touched from Swift.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/parser.h>
