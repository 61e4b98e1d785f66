// replay_main.cpp: runs a fuzz target's LLVMFuzzerTestOneInput over files,
// without libFuzzer, so seed corpora and saved crashers are ordinary tests
// in any build (gcc or clang, with or without sanitizers):
//   fuzz_replay_<target> DIR_OR_FILE...
// Folders are read recursively, files in sorted order; a missing folder is
// skipped (tests/fuzz/regressions/<target>/ exists only once something was
// found). Each input's name goes to stderr before it runs, so a crash (an
// invariant abort, a sanitizer report) names the file. Exit 0 when every
// input ran; 1 when no input was found at all (a misconfigured test).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    const fs::path p(argv[i]);
    if (fs::is_directory(p, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(p, ec))
        if (e.is_regular_file(ec)) files.push_back(e.path());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "fuzz replay: no input files under the given paths\n");
    return 1;
  }
  for (const auto& f : files) {
    std::fprintf(stderr, "fuzz replay: %s\n", f.string().c_str());
    std::ifstream in(f, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "fuzz replay: cannot read %s\n", f.string().c_str());
      return 1;
    }
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("fuzz replay: %zu inputs ran\n", files.size());
  return 0;
}
