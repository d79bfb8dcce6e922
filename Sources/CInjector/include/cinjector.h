// Placeholder header; replaced by the injector's C interface.
#pragma once
int cinjector_placeholder(void);
