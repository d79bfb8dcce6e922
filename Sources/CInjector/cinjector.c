int cinjector_placeholder(void) { return 0; }
