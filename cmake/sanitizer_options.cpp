// Runtime defaults of the sanitizer build (-DTTPTAG_SANITIZE=ON). CMakeLists.txt
// compiles this file into every executable that links ttptag_lib (the CLI, the
// tests, the fuzz replays, the benchmarks), so CTest, the CLI scripts and a hand
// run of build-asan/ttptag all check the same way with no environment set up.
// ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS in the environment are read after
// these and win.

extern "C" {

// Leaks fail the run (LeakSanitizer, on by default on Linux; said so for the
// reader). Stack use after return and init-order bugs are off by default.
const char* __asan_default_options();
const char* __asan_default_options() {
  return "detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:"
         "strict_init_order=1";
}

// The build uses -fno-sanitize-recover=all, so a finding already aborts; the
// stack trace says where it came from.
const char* __ubsan_default_options();
const char* __ubsan_default_options() { return "print_stacktrace=1:halt_on_error=1"; }

// Leak suppressions, for third-party libraries only: each line names the library
// and why. None are needed so far.
const char* __lsan_default_suppressions();
const char* __lsan_default_suppressions() { return ""; }

}  // extern "C"
