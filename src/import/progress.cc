#include "import/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace narwhal {
namespace {

std::string WithCommas(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace

std::string FormatProgressLine(const ImportProgress& p) {
  double rate = p.elapsed_seconds > 0 ? static_cast<double>(p.rows) / p.elapsed_seconds : 0;
  std::string line =
      fmt::format("{} rows  {} rows/s", WithCommas(p.rows), WithCommas(static_cast<int64_t>(rate)));
  if (p.total_bytes > 0 && !p.done) {
    double fraction = std::clamp(static_cast<double>(p.bytes) / p.total_bytes, 0.0, 1.0);
    line += fmt::format("  {}%", static_cast<int>(fraction * 100));
    if (fraction > 0 && p.elapsed_seconds > 0) {
      auto left = std::llround(p.elapsed_seconds * (1 - fraction) / fraction);
      line += fmt::format("  {:02}:{:02} left", left / 60, left % 60);
    }
  }
  return line;
}

TerminalProgress::TerminalProgress() : TerminalProgress(stderr, ::isatty(2) == 1) {}

TerminalProgress::TerminalProgress(std::FILE* out, bool interactive)
    : out_(out), interactive_(interactive) {}

void TerminalProgress::Update(const ImportProgress& progress) {
  if (!interactive_) return;
  std::string line = FormatProgressLine(progress);
  // Pad with spaces so a shorter line fully covers the previous one.
  size_t width = line.size();
  if (width < last_width_) line.append(last_width_ - width, ' ');
  last_width_ = width;
  std::fprintf(out_, "\r%s", line.c_str());
  std::fflush(out_);
  drawn_ = true;
  if (progress.done) Finish();
}

TerminalProgress::~TerminalProgress() {
  Finish();
}

void TerminalProgress::Finish() {
  if (drawn_) {
    std::fputc('\n', out_);
    std::fflush(out_);
  }
  drawn_ = false;
  last_width_ = 0;
}

std::unique_ptr<ProgressSink> MakeTerminalProgress() {
  return std::make_unique<TerminalProgress>();
}

}  // namespace narwhal
