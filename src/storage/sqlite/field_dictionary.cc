#include "storage/sqlite/field_dictionary.h"

#include <mutex>

namespace narwhal::sqlite {
namespace {

void PutVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

void PutPair(int64_t id, std::string_view value, std::string& out) {
  PutVarint(static_cast<uint64_t>(id), out);
  PutVarint(value.size(), out);
  out.append(value);
}

}  // namespace

bool FieldDictionary::TryEncode(const NamedValues& values, std::string& out) const {
  NameCache cache;
  return TryEncode(values, out, cache);
}

bool FieldDictionary::TryEncode(const NamedValues& values, std::string& out,
                                NameCache& cache) const {
  out.clear();
  std::vector<std::pair<std::string, int64_t>>& cached = cache.names_;
  if (cached.size() > values.size()) cached.resize(values.size());
  std::shared_lock lock(mu_, std::defer_lock);
  for (size_t i = 0; i < values.size(); ++i) {
    const auto& [name, value] = values[i];
    if (i == cached.size() || cached[i].first != name) {
      if (!lock.owns_lock()) lock.lock();
      auto it = ids_.find(name);
      if (it == ids_.end()) return false;
      if (i == cached.size()) {
        cached.emplace_back(name, it->second);
      } else {
        cached[i].first = name;
        cached[i].second = it->second;
      }
    }
    PutPair(cached[i].second, value, out);
  }
  return true;
}

Status FieldDictionary::WriterSession::Encode(Connection& writer, const NamedValues& values,
                                              std::string& out) {
  out.clear();
  for (const auto& [name, value] : values) {
    int64_t id = 0;
    if (auto f = fresh_.find(name); f != fresh_.end()) {
      id = f->second;
    } else {
      std::shared_lock lock(dictionary_.mu_);
      auto it = dictionary_.ids_.find(name);
      if (it != dictionary_.ids_.end()) id = it->second;
    }
    if (id == 0) {
      NARWHAL_ASSIGN_OR_RETURN(
          ScopedStatement insert,
          writer.Prepare("INSERT OR IGNORE INTO field_names(name) VALUES(?1)"));
      insert->BindText(1, name);
      NARWHAL_RETURN_IF_ERROR(insert->Run());
      NARWHAL_ASSIGN_OR_RETURN(ScopedStatement select,
                               writer.Prepare("SELECT id FROM field_names WHERE name = ?1"));
      select->BindText(1, name);
      NARWHAL_ASSIGN_OR_RETURN(bool found, select->Step());
      if (!found) return Internal("field name '" + name + "' vanished after insert");
      id = select->ColumnInt64(0);
      fresh_.emplace(name, id);
    }
    PutPair(id, value, out);
  }
  return Status::Ok();
}

void FieldDictionary::WriterSession::Commit() {
  for (auto& [name, id] : fresh_) dictionary_.Remember(id, name);
  fresh_.clear();
}

Result<NamedValues> FieldDictionary::Decode(Connection& db, std::string_view blob) {
  NamedValues out;
  bool reloaded = false;
  while (!blob.empty()) {
    uint64_t id = 0;
    uint64_t len = 0;
    if (!GetVarint(blob, id) || !GetVarint(blob, len) || len > blob.size()) {
      return DataLoss("corrupt named-value blob");
    }
    std::string_view value = blob.substr(0, len);
    blob.remove_prefix(len);
    std::string name;
    for (;;) {
      {
        std::shared_lock lock(mu_);
        auto it = names_.find(static_cast<int64_t>(id));
        if (it != names_.end()) name = it->second;
      }
      if (!name.empty() || reloaded) break;
      NARWHAL_RETURN_IF_ERROR(Load(db));
      reloaded = true;
    }
    if (name.empty()) return DataLoss("unknown field id " + std::to_string(id));
    out.emplace_back(std::move(name), std::string(value));
  }
  return out;
}

Status FieldDictionary::Load(Connection& db) {
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement select, db.Prepare("SELECT id, name FROM field_names"));
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    Remember(select->ColumnInt64(0), select->ColumnString(1));
  }
  return Status::Ok();
}

void FieldDictionary::Remember(int64_t id, std::string name) {
  std::unique_lock lock(mu_);
  names_[id] = name;
  ids_[std::move(name)] = id;
}

}  // namespace narwhal::sqlite
