// UBSan defaults for the libFuzzer binaries (QI_FUZZ builds only): stop at the first report, with
// a stack, and skip the reports listed in fuzz/ubsan.supp (third-party code we cannot fix).
// Read by the UBSan runtime at start-up; UBSAN_OPTIONS in the environment still overrides.
extern "C" const char* __ubsan_default_options();

extern "C" const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:suppressions=" QI_FUZZ_UBSAN_SUPPRESSIONS;
}
