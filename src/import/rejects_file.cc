#include "import/rejects_file.h"

#include <filesystem>
#include <system_error>

#include "base/text.h"

namespace narwhal {

std::string EscapeTsv(std::string_view text) {
  std::string utf8;
  if (!IsValidUtf8(text)) {
    AppendLatin1AsUtf8(text, utf8);
    text = utf8;
  }
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default: out += c;
    }
  }
  return out;
}

Status RejectsFile::Add(int64_t line, std::string_view column, std::string_view reason,
                        std::string_view record) {
  if (!out_.is_open()) {
    out_.open(path_, std::ios::binary | std::ios::trunc);
    if (!out_) return Unavailable("cannot create rejects file '" + path_ + "'");
    out_ << "line\tcolumn\treason\trecord\n";
  }
  out_ << line << '\t' << EscapeTsv(column) << '\t' << EscapeTsv(reason) << '\t'
       << EscapeTsv(record) << '\n';
  ++count_;
  return out_ ? Status::Ok() : Unavailable("cannot write rejects file '" + path_ + "'");
}

Status RejectsFile::Close() {
  if (!out_.is_open()) {
    // A rejects file left by an earlier run of the same file would now mislead.
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    return Status::Ok();
  }
  out_.close();
  if (!out_) return Unavailable("cannot write rejects file '" + path_ + "'");
  return Status::Ok();
}

}  // namespace narwhal
