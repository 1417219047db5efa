#include "paper/zip_writer.h"

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <system_error>
#include <utility>

namespace narwhal {
namespace {

struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

}  // namespace

void ZipWriter::ArchiveCloser::operator()(archive* a) const {
  archive_write_free(a);  // closes first when still open
}

ZipWriter::ZipWriter(std::string path, std::chrono::system_clock::time_point mtime,
                     std::unique_ptr<archive, ArchiveCloser> handle)
    : path_(std::move(path)), mtime_(mtime), archive_(std::move(handle)) {}

ZipWriter::ZipWriter(ZipWriter&&) noexcept = default;
ZipWriter& ZipWriter::operator=(ZipWriter&&) noexcept = default;

ZipWriter::~ZipWriter() {
  if (archive_ == nullptr) return;
  archive_.reset();
  std::error_code ignored;
  std::filesystem::remove(path_ + ".tmp", ignored);
}

Result<ZipWriter> ZipWriter::Create(const std::string& path,
                                    std::chrono::system_clock::time_point mtime) {
  std::unique_ptr<archive, ArchiveCloser> handle(archive_write_new());
  if (handle == nullptr) return Internal("libarchive: out of memory");
  if (archive_write_set_format_zip(handle.get()) != ARCHIVE_OK) {
    return Internal(std::string("libarchive: zip: ") + archive_error_string(handle.get()));
  }
  const std::string tmp = path + ".tmp";
  if (archive_write_open_filename(handle.get(), tmp.c_str()) != ARCHIVE_OK) {
    const char* why = archive_error_string(handle.get());
    return Unavailable("cannot create " + tmp + ": " + (why != nullptr ? why : "unknown error"));
  }
  return ZipWriter(path, mtime, std::move(handle));
}

Status ZipWriter::Error(std::string_view what) {
  const char* why = archive_error_string(archive_.get());
  return Unavailable(std::string(what) + " " + path_ + ": " +
                     (why != nullptr ? why : "unknown error"));
}

Status ZipWriter::Add(const std::string& name, std::string_view bytes) {
  if (archive_ == nullptr) return FailedPrecondition("zip archive " + path_ + " is finished");
  std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
  if (entry == nullptr) return Internal("libarchive: out of memory");
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(bytes.size()));
  archive_entry_set_mtime(entry.get(), std::chrono::system_clock::to_time_t(mtime_), 0);
  if (archive_write_header(archive_.get(), entry.get()) != ARCHIVE_OK) {
    return Error("cannot add " + name + " to");
  }
  size_t written = 0;
  while (written < bytes.size()) {
    la_ssize_t n =
        archive_write_data(archive_.get(), bytes.data() + written, bytes.size() - written);
    if (n <= 0) return Error("cannot write " + name + " into");
    written += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status ZipWriter::Finish() {
  if (archive_ == nullptr) return FailedPrecondition("zip archive " + path_ + " is finished");
  if (archive_write_close(archive_.get()) != ARCHIVE_OK) return Error("cannot finish");
  archive_.reset();
  std::error_code ec;
  std::filesystem::rename(path_ + ".tmp", path_, ec);
  if (ec) {
    std::filesystem::remove(path_ + ".tmp", ec);
    return Unavailable("cannot move " + path_ + ".tmp into place: " + ec.message());
  }
  return Status::Ok();
}

}  // namespace narwhal
