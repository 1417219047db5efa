#include "storage/postgres/field_names.h"

#include <charconv>
#include <set>

namespace narwhal::postgres {
namespace {

// Reads a decimal number up to `stop` from the front of `in`.
bool TakeNumber(std::string_view& in, char stop, int64_t& out) {
  const size_t end = in.find(stop);
  if (end == std::string_view::npos || end == 0) return false;
  const auto [ptr, ec] = std::from_chars(in.data(), in.data() + end, out);
  if (ec != std::errc() || ptr != in.data() + end || out < 0) return false;
  in.remove_prefix(end + 1);
  return true;
}

}  // namespace

std::vector<std::string> FieldNames::Unknown(std::span<const Voter> voters) const {
  std::set<std::string> unknown;
  auto maps = maps_.Lock();
  for (const Voter& v : voters) {
    for (const NamedValues* values : {&v.districts, &v.extra}) {
      for (const auto& [name, value] : *values) {
        if (!maps->ids.contains(name)) unknown.insert(name);
      }
    }
  }
  return std::vector<std::string>(unknown.begin(), unknown.end());
}

Result<std::vector<std::pair<int64_t, std::string>>> FieldNames::Assign(
    Connection& db, const std::vector<std::string>& names) {
  const std::string array = TextArray(names);
  NARWHAL_RETURN_IF_ERROR(db.Exec("INSERT INTO field_names(name) SELECT unnest($1::text[]) "
                                  "ON CONFLICT (name) DO NOTHING",
                                  Params().Add(array))
                              .status());
  NARWHAL_ASSIGN_OR_RETURN(Rows r,
                           db.Exec("SELECT id, name FROM field_names WHERE name = ANY($1::text[])",
                                   Params().Add(array)));
  std::vector<std::pair<int64_t, std::string>> out;
  out.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) out.emplace_back(r.Int64(i, 0), r.String(i, 1));
  return out;
}

void FieldNames::Remember(const std::vector<std::pair<int64_t, std::string>>& assigned) {
  auto maps = maps_.Lock();
  for (const auto& [id, name] : assigned) {
    maps->ids.emplace(name, id);
    maps->names.emplace(id, name);
  }
}

bool FieldNames::Encode(const NamedValues& values, std::string& out) const {
  if (values.empty()) return true;
  auto maps = maps_.Lock();
  for (const auto& [name, value] : values) {
    auto it = maps->ids.find(name);
    if (it == maps->ids.end()) return false;
    out += std::to_string(it->second);
    out += ':';
    out += std::to_string(value.size());
    out += ':';
    out += value;
  }
  return true;
}

Result<NamedValues> FieldNames::Decode(Connection& db, std::string_view text) {
  struct Entry {
    int64_t id;
    std::string_view value;
  };
  std::vector<Entry> entries;
  std::string_view in = text;
  while (!in.empty()) {
    int64_t id = 0;
    int64_t length = 0;
    if (!TakeNumber(in, ':', id) || !TakeNumber(in, ':', length) ||
        static_cast<size_t>(length) > in.size()) {
      return DataLoss("a stored voter's named values are corrupt");
    }
    entries.push_back(Entry{id, in.substr(0, static_cast<size_t>(length))});
    in.remove_prefix(static_cast<size_t>(length));
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      auto maps = maps_.Lock();
      NamedValues values;
      values.reserve(entries.size());
      bool complete = true;
      for (const Entry& e : entries) {
        auto it = maps->names.find(e.id);
        if (it == maps->names.end()) {
          complete = false;
          break;
        }
        values.emplace_back(it->second, std::string(e.value));
      }
      if (complete) return values;
    }
    // Another node (or this one, before it remembered) named a field; read them all.
    NARWHAL_RETURN_IF_ERROR(Reload(db));
  }
  return DataLoss("a stored voter refers to a field name that does not exist");
}

Status FieldNames::Reload(Connection& db) {
  NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec("SELECT id, name FROM field_names"));
  std::vector<std::pair<int64_t, std::string>> all;
  all.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) all.emplace_back(r.Int64(i, 0), r.String(i, 1));
  Remember(all);
  return Status::Ok();
}

}  // namespace narwhal::postgres
