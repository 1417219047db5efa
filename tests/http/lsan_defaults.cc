// LeakSanitizer's default options for http_test: the suppressions of tests/lsan.supp
// (fontconfig, pango and cairo caches). ctest also passes them in LSAN_OPTIONS, except to
// the "pg." registration of the API tests, whose ENVIRONMENT property can carry only one
// variable through gtest_discover_tests (tests/http/CMakeLists.txt). Unused without
// sanitizers.
extern "C" __attribute__((visibility("default"), used)) const char* __lsan_default_options() {
  return "suppressions=" NARWHAL_SOURCE_DIR "/tests/lsan.supp:print_suppressions=0";
}
