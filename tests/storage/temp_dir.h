// TempDir: a fresh directory under the system temp dir, removed with its contents when
// the object is destroyed. For tests.
//
// Thread-safety: none needed; owned by one test.
#ifndef NARWHAL_TESTS_STORAGE_TEMP_DIR_H_
#define NARWHAL_TESTS_STORAGE_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace narwhal::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "narwhal-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace narwhal::testing

#endif  // NARWHAL_TESTS_STORAGE_TEMP_DIR_H_
