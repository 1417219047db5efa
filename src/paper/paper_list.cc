#include "paper/paper_list.h"

#include <ctime>

namespace narwhal {

std::string_view PaperListSlug(PaperListKind kind) {
  switch (kind) {
    case PaperListKind::kStrikeList: return "strike-list";
    case PaperListKind::kGotvList: return "gotv";
  }
  return "list";
}

std::string_view PaperListTitle(PaperListKind kind) {
  switch (kind) {
    case PaperListKind::kStrikeList: return "strike list";
    case PaperListKind::kGotvList: return "GOTV list";
  }
  return "list";
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

}  // namespace narwhal
