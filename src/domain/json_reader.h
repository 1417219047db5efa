// A strict reader of one JSON object's members (Boost.JSON), for the documents the domain
// reads: universe criteria, the field book. It remembers the path for errors
// ("criteria.age.min: expected an integer") and refuses members nobody asked for, so a
// misspelt member is an error rather than silently ignored. Internal to the domain module:
// include it only from its .cc files (it brings in Boost.JSON).
#ifndef NARWHAL_DOMAIN_JSON_READER_H_
#define NARWHAL_DOMAIN_JSON_READER_H_

#include <boost/json.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace narwhal {

class JsonReader {
 public:
  // `unknown` ends the error for a member not asked for: "is not a criterion".
  JsonReader(const boost::json::object& object, std::string path,
             std::string_view unknown = "is not a known member")
      : object_(object), path_(std::move(path)), unknown_(unknown) {}

  Status CheckOnly(std::initializer_list<std::string_view> names) const {
    for (const auto& member : object_) {
      bool known = false;
      for (std::string_view n : names) known = known || member.key() == n;
      if (!known) return Error(member.key(), unknown_);
    }
    return Status::Ok();
  }

  const boost::json::value* Find(std::string_view name) const {
    auto it = object_.find(name);
    return it == object_.end() || it->value().is_null() ? nullptr : &it->value();
  }

  Status Error(std::string_view name, std::string_view what) const {
    return InvalidArgument(Path(name) + ": " + std::string(what));
  }

  std::string Path(std::string_view name) const { return path_ + "." + std::string(name); }
  const std::string& path() const { return path_; }

  Status Strings(std::string_view name, std::vector<std::string>& out) const {
    const boost::json::value* v = Find(name);
    if (v == nullptr) return Status::Ok();
    if (!v->is_array()) return Error(name, "expected an array of strings");
    for (const boost::json::value& item : v->as_array()) {
      if (!item.is_string()) return Error(name, "expected an array of strings");
      out.emplace_back(item.as_string());
    }
    return Status::Ok();
  }

  Status String(std::string_view name, std::string& out) const {
    const boost::json::value* v = Find(name);
    if (v == nullptr) return Status::Ok();
    if (!v->is_string()) return Error(name, "expected a string");
    out = std::string(v->as_string());
    return Status::Ok();
  }

  Status Int(std::string_view name, std::optional<int>& out) const {
    const boost::json::value* v = Find(name);
    if (v == nullptr) return Status::Ok();
    if (!v->is_int64() || v->as_int64() < -1000000 || v->as_int64() > 1000000) {
      return Error(name, "expected an integer");
    }
    out = static_cast<int>(v->as_int64());
    return Status::Ok();
  }

  Status Bool(std::string_view name, std::optional<bool>& out) const {
    const boost::json::value* v = Find(name);
    if (v == nullptr) return Status::Ok();
    if (!v->is_bool()) return Error(name, "expected true or false");
    out = v->as_bool();
    return Status::Ok();
  }

  // A nested object member, or nullptr when absent.
  Result<const boost::json::object*> Object(std::string_view name) const {
    const boost::json::value* v = Find(name);
    if (v == nullptr) return static_cast<const boost::json::object*>(nullptr);
    if (!v->is_object()) return Error(name, "expected an object");
    return &v->as_object();
  }

  // A member that is an array of objects (empty when absent), each read by `each` with a
  // reader whose path is "path.name[i]".
  template <typename Each>
  Status Objects(std::string_view name, Each&& each) const {
    const boost::json::value* v = Find(name);
    if (v == nullptr) return Status::Ok();
    if (!v->is_array()) return Error(name, "expected an array of objects");
    size_t i = 0;
    for (const boost::json::value& item : v->as_array()) {
      const std::string path = Path(name) + "[" + std::to_string(i++) + "]";
      if (!item.is_object()) return InvalidArgument(path + ": expected an object");
      NARWHAL_RETURN_IF_ERROR(each(JsonReader(item.as_object(), path, unknown_)));
    }
    return Status::Ok();
  }

 private:
  const boost::json::object& object_;
  std::string path_;
  std::string_view unknown_;
};

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_JSON_READER_H_
