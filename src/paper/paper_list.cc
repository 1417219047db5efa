#include "paper/paper_list.h"

#include <ctime>

namespace narwhal {

std::string_view PaperListSlug(PaperListKind kind) {
  switch (kind) {
    case PaperListKind::kStrikeList: return "strike-list";
  }
  return "list";
}

std::string_view PaperListTitle(PaperListKind kind) {
  switch (kind) {
    case PaperListKind::kStrikeList: return "strike list";
  }
  return "list";
}

std::string SafeFileStem(std::string_view code) {
  std::string stem;
  bool pending_dash = false;
  for (unsigned char c : code) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    if (!keep) {
      pending_dash = true;
      continue;
    }
    if (pending_dash && !stem.empty() && stem.back() != '-') stem += '-';
    pending_dash = false;
    stem += static_cast<char>(c);
  }
  while (!stem.empty() && stem.back() == '-') stem.pop_back();
  size_t lead = 0;
  while (lead < stem.size() && stem[lead] == '-') ++lead;
  stem.erase(0, lead);
  return stem.empty() ? "x" : stem;
}

std::string PaperFileName(const PrecinctKey& precinct, PaperListKind kind,
                          std::string_view extension) {
  std::string name = SafeFileStem(precinct.county);
  name += '-';
  name += SafeFileStem(precinct.precinct);
  name += '-';
  name += PaperListSlug(kind);
  name += '.';
  name += extension;
  return name;
}

std::string CsvField(std::string_view text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void AppendCsvRecord(const std::vector<std::string>& fields, std::string& out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvField(fields[i]);
  }
  out += "\r\n";
}

std::string PrintedAt(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

}  // namespace narwhal
