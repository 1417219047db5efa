// Reading what Narwhal printed back the way a person's tools would: the output of a shell
// command (pdftotext, unzip), and a PDF's text. For tests.
#ifndef NARWHAL_TESTS_PRINT_READ_BACK_H_
#define NARWHAL_TESTS_PRINT_READ_BACK_H_

#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace narwhal::testing {

// The standard output of `cmd` run by the shell; empty when it cannot start.
inline std::string Shell(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  return out;
}

// The text of the PDF at `path`, laid out as on the page (pdftotext -layout).
inline std::string PdfToText(const std::string& path) {
  return Shell("pdftotext -layout '" + path + "' -");
}

}  // namespace narwhal::testing

#endif  // NARWHAL_TESTS_PRINT_READ_BACK_H_
