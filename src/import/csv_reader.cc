#include "import/csv_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "base/text.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace narwhal {
namespace {

constexpr size_t kPadding = 16;

// Owns a file descriptor; reads are retried on EINTR.
class FileSource final : public ByteSource {
 public:
  FileSource(int fd, int64_t size) : fd_(fd), size_(size) {}
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  Result<size_t> Read(char* buf, size_t n) override {
    for (;;) {
      ssize_t got = ::read(fd_, buf, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno == EINTR) continue;
      return Unavailable(std::string("read failed: ") + std::strerror(errno));
    }
  }
  int64_t Size() const override { return size_; }

 private:
  int fd_;
  int64_t size_;
};

class MemoryByteSource final : public ByteSource {
 public:
  explicit MemoryByteSource(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    if (k > 0) std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  int64_t Size() const override { return static_cast<int64_t>(data_.size()); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

#ifdef __SSE2__
// Bits of the 16 bytes at p[from] (valid up to `end`) that equal `c`. The buffer has
// kPadding readable bytes after `end`, so the load never leaves it.
inline unsigned ValidMask(size_t from, size_t end) {
  return end - from >= 16 ? 0xFFFFu : (1u << (end - from)) - 1;
}
#endif

// First index in [from, end) holding '"' or '\n', or `end`. ORs the high bits of every
// byte looked at (and some after) into `high`.
inline size_t FindQuoteOrNewline(const char* p, size_t from, size_t end, unsigned& high) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i lf = _mm_set1_epi8('\n');
  for (; from < end; from += 16) {
    __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + from));
    unsigned valid = ValidMask(from, end);
    high |= static_cast<unsigned>(_mm_movemask_epi8(chunk)) & valid;
    unsigned hits = static_cast<unsigned>(_mm_movemask_epi8(
                        _mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, lf)))) &
                    valid;
    if (hits != 0) return from + static_cast<size_t>(__builtin_ctz(hits));
  }
  return end;
#else
  for (; from < end; ++from) {
    high |= static_cast<unsigned char>(p[from]) & 0x80u;
    if (p[from] == '"' || p[from] == '\n') return from;
  }
  return end;
#endif
}

// First index in [from, end) holding the delimiter, '\r' or '\n', or `end`.
inline size_t FindFieldEnd(const char* p, size_t from, size_t end, char delim, unsigned& high) {
#ifdef __SSE2__
  const __m128i d = _mm_set1_epi8(delim);
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  for (; from < end; from += 16) {
    __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + from));
    unsigned valid = ValidMask(from, end);
    high |= static_cast<unsigned>(_mm_movemask_epi8(chunk)) & valid;
    __m128i any = _mm_or_si128(_mm_cmpeq_epi8(chunk, d),
                               _mm_or_si128(_mm_cmpeq_epi8(chunk, cr), _mm_cmpeq_epi8(chunk, lf)));
    unsigned hits = static_cast<unsigned>(_mm_movemask_epi8(any)) & valid;
    if (hits != 0) return from + static_cast<size_t>(__builtin_ctz(hits));
  }
  return end;
#else
  for (; from < end; ++from) {
    char c = p[from];
    high |= static_cast<unsigned char>(c) & 0x80u;
    if (c == delim || c == '\r' || c == '\n') return from;
  }
  return end;
#endif
}

bool HasHighBit(const char* p, size_t n) {
  // Word-at-a-time: most records of a US voter file are pure ASCII.
  size_t i = 0;
  uint64_t acc = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    acc |= w;
  }
  for (; i < n; ++i) acc |= static_cast<unsigned char>(p[i]);
  return (acc & 0x8080808080808080ULL) != 0;
}

}  // namespace

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return NotFound("cannot open '" + path + "': " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return NotFound("'" + path + "' is a directory");
  }
  const int64_t size = S_ISREG(st.st_mode) ? static_cast<int64_t>(st.st_size) : 0;
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(fd, size));
}

std::unique_ptr<ByteSource> MemorySource(std::string_view data) {
  return std::make_unique<MemoryByteSource>(data);
}

struct CsvReader::State {
  // A field of the record being parsed: either bytes of buf (absolute index) or of
  // scratch. Offsets, not pointers, because scratch may grow while parsing.
  struct FieldRef {
    size_t off;
    size_t len;
    bool in_scratch;
  };
  enum class Parse { kDone, kNeedMore, kMalformed };

  std::unique_ptr<ByteSource> source;
  CsvOptions options;
  std::unique_ptr<char[]> buf;
  size_t capacity = 0;
  size_t begin = 0;  // first unconsumed byte
  size_t end = 0;    // one past the last byte read
  bool eof = false;
  int64_t buf_offset = 0;  // source offset of buf[0]
  int64_t line = 1;        // line number at `begin`
  bool started = false;
  bool skipping_line = false;  // discarding the rest of an over-long line
  std::vector<FieldRef> refs;
  std::string scratch;
  std::string convert_tmp;
  std::string malformed_reason;

  // Parse results of a successful kDone.
  size_t record_end = 0;  // index one past the record's last byte (line ending excluded)
  size_t next_begin = 0;  // index after the line ending
  int64_t newlines = 0;
  bool record_high = false;  // some byte of the record (or just after it) is >= 0x80

  // Moves unconsumed bytes to the front and reads one more block.
  Status Fill() {
    if (begin > 0) {
      std::memmove(buf.get(), buf.get() + begin, end - begin);
      buf_offset += static_cast<int64_t>(begin);
      end -= begin;
      begin = 0;
    }
    size_t want = std::min(options.block_size, capacity - end);
    if (want == 0) return Status::Ok();  // caller checks the record length cap
    NARWHAL_ASSIGN_OR_RETURN(size_t got, source->Read(buf.get() + end, want));
    if (got == 0) eof = true;
    end += got;
    return Status::Ok();
  }

  Status Start() {
    while (end - begin < 3 && !eof) NARWHAL_RETURN_IF_ERROR(Fill());
    if (end - begin >= 3 && std::memcmp(buf.get() + begin, "\xEF\xBB\xBF", 3) == 0) begin += 3;
    if (options.delimiter == 0) {
      for (;;) {
        const char* nl =
            static_cast<const char*>(std::memchr(buf.get() + begin, '\n', end - begin));
        if (nl != nullptr || eof || end - begin >= options.max_record_bytes) {
          size_t n = nl != nullptr ? static_cast<size_t>(nl - (buf.get() + begin)) : end - begin;
          bool tab = std::memchr(buf.get() + begin, '\t', n) != nullptr;
          options.delimiter = tab ? '\t' : ',';
          break;
        }
        NARWHAL_RETURN_IF_ERROR(Fill());
      }
    }
    started = true;
    return Status::Ok();
  }

  // Splits one record starting at `begin` out of buf[begin, end).
  Parse ParseRecord() {
    refs.clear();
    scratch.clear();
    const char* base = buf.get();
    size_t q = begin;
    const char delim = options.delimiter;
    unsigned high = 0;
    int64_t quoted_newlines = 0;
    for (;;) {
      // One field starts at q.
      if (q < end && base[q] == '"') {
        ++q;
        size_t seg = q;
        bool escaped = false;
        size_t scratch_start = scratch.size();
        for (;;) {
          size_t r = FindQuoteOrNewline(base, q, end, high);
          if (r == end) {
            if (eof) {
              malformed_reason = "unterminated quoted field";
              return Parse::kMalformed;
            }
            return Parse::kNeedMore;
          }
          if (base[r] == '\n') {
            ++quoted_newlines;
            q = r + 1;
            continue;
          }
          if (r + 1 == end && !eof) return Parse::kNeedMore;
          if (r + 1 < end && base[r + 1] == '"') {
            scratch.append(base + seg, r + 1 - seg);  // keeps one quote
            escaped = true;
            q = r + 2;
            seg = q;
            continue;
          }
          if (escaped) {
            scratch.append(base + seg, r - seg);
            refs.push_back({scratch_start, scratch.size() - scratch_start, true});
          } else {
            refs.push_back({seg, r - seg, false});
          }
          q = r + 1;
          break;
        }
        if (q < end && base[q] != delim && base[q] != '\n' && base[q] != '\r') {
          malformed_reason = "unexpected character after a closing quote";
          return Parse::kMalformed;
        }
      } else {
        size_t start = q;
        q = FindFieldEnd(base, q, end, delim, high);
        refs.push_back({start, q - start, false});
      }
      // q is at a delimiter, a line ending, or the end of the data.
      if (q == end) {
        if (!eof) return Parse::kNeedMore;
        record_end = q;
        next_begin = q;
        break;
      }
      if (base[q] == delim) {
        ++q;
        continue;
      }
      record_end = q;
      if (base[q] == '\n') {
        next_begin = q + 1;
      } else if (q + 1 < end) {  // '\r'
        next_begin = base[q + 1] == '\n' ? q + 2 : q + 1;
      } else {
        if (!eof) return Parse::kNeedMore;
        next_begin = q + 1;
      }
      break;
    }
    newlines = quoted_newlines + (next_begin > record_end ? 1 : 0);  // LF, CRLF or a lone CR
    record_high = high != 0;
    return Parse::kDone;
  }

  // Re-encodes fields holding bytes >= 0x80. False (with `reason`) for kUtf8 violations.
  bool Encode(std::string& reason) {
    if (!record_high) return true;
    for (size_t i = 0; i < refs.size(); ++i) {
      FieldRef& f = refs[i];
      const char* p = (f.in_scratch ? scratch.data() : buf.get()) + f.off;
      if (!HasHighBit(p, f.len)) continue;
      std::string_view text(p, f.len);
      bool valid = options.encoding != Encoding::kLatin1 && IsValidUtf8(text);
      if (valid) continue;
      if (options.encoding == Encoding::kUtf8) {
        reason = "invalid UTF-8 in field " + std::to_string(i + 1);
        return false;
      }
      convert_tmp.clear();
      AppendLatin1AsUtf8(text, convert_tmp);
      f = {scratch.size(), convert_tmp.size(), true};
      scratch += convert_tmp;
    }
    return true;
  }

  void Emit(CsvRecord& record) {
    record.fields.clear();
    for (const FieldRef& f : refs) {
      const char* p = (f.in_scratch ? scratch.data() : buf.get()) + f.off;
      record.fields.emplace_back(p, f.len);
    }
  }

  // Fills `record` as an error covering the first physical line from `begin`.
  Status EmitMalformed(CsvRecord& record, std::string reason) {
    for (;;) {
      const char* base = buf.get();
      const void* nl = std::memchr(base + begin, '\n', end - begin);
      if (nl != nullptr || eof || end - begin >= options.max_record_bytes) {
        size_t line_end = nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) - base)
                                        : std::min(end, begin + options.max_record_bytes);
        size_t raw_end = line_end;
        if (nl != nullptr && raw_end > begin && base[raw_end - 1] == '\r') --raw_end;
        raw_end = std::min(raw_end, begin + options.max_record_bytes);
        record.fields.clear();
        record.raw = std::string_view(base + begin, raw_end - begin);
        record.line = line;
        record.offset = buf_offset + static_cast<int64_t>(begin);
        record.error = std::move(reason);
        if (nl != nullptr) {
          begin = line_end + 1;
          ++line;
        } else {
          begin = line_end;
          skipping_line = !eof;
        }
        return Status::Ok();
      }
      NARWHAL_RETURN_IF_ERROR(Fill());
    }
  }
};

CsvReader::CsvReader(std::unique_ptr<ByteSource> source, CsvOptions options)
    : state_(std::make_unique<State>()) {
  if (options.block_size == 0) options.block_size = 1;
  if (options.max_record_bytes == 0) options.max_record_bytes = 1;
  state_->source = std::move(source);
  state_->options = options;
  // Room for a record at the cap plus a whole block, so a refill always has space.
  state_->capacity = options.max_record_bytes + options.block_size;
  // Zeroed padding after the data lets the scanners load 16 bytes at any position.
  state_->buf = std::make_unique<char[]>(state_->capacity + kPadding);
}

CsvReader::CsvReader(CsvReader&&) noexcept = default;
CsvReader& CsvReader::operator=(CsvReader&&) noexcept = default;
CsvReader::~CsvReader() = default;

char CsvReader::delimiter() const {
  return state_->options.delimiter;
}
int64_t CsvReader::bytes_read() const {
  return state_->buf_offset + static_cast<int64_t>(state_->end);
}
int64_t CsvReader::total_bytes() const {
  return state_->source->Size();
}

Result<bool> CsvReader::Next(CsvRecord& record) {
  State& s = *state_;
  if (!s.started) NARWHAL_RETURN_IF_ERROR(s.Start());
  record.error.clear();
  for (;;) {
    if (s.skipping_line) {
      const void* nl = std::memchr(s.buf.get() + s.begin, '\n', s.end - s.begin);
      if (nl != nullptr) {
        s.begin = static_cast<size_t>(static_cast<const char*>(nl) - s.buf.get()) + 1;
        ++s.line;
        s.skipping_line = false;
      } else {
        s.begin = s.end;
        if (s.eof) return false;
        NARWHAL_RETURN_IF_ERROR(s.Fill());
        continue;
      }
    }
    if (s.begin == s.end) {
      if (s.eof) return false;
      NARWHAL_RETURN_IF_ERROR(s.Fill());
      continue;
    }
    char c = s.buf[s.begin];
    if (c == '\n') {  // blank line
      ++s.begin;
      ++s.line;
      continue;
    }
    if (c == '\r') {
      if (s.begin + 1 == s.end && !s.eof) {
        NARWHAL_RETURN_IF_ERROR(s.Fill());
        continue;
      }
      ++s.begin;
      // A CRLF's LF is counted as the blank line it ends; a lone CR ends a line itself.
      if (s.begin == s.end || s.buf[s.begin] != '\n') ++s.line;
      continue;
    }
    State::Parse parse = s.ParseRecord();
    if (parse == State::Parse::kNeedMore) {
      if (s.end - s.begin >= s.options.max_record_bytes) {
        NARWHAL_RETURN_IF_ERROR(s.EmitMalformed(
            record, "record longer than " + std::to_string(s.options.max_record_bytes) +
                        " bytes (an unterminated quote?)"));
        return true;
      }
      NARWHAL_RETURN_IF_ERROR(s.Fill());
      continue;
    }
    if (parse == State::Parse::kMalformed) {
      NARWHAL_RETURN_IF_ERROR(s.EmitMalformed(record, std::move(s.malformed_reason)));
      return true;
    }
    if (s.record_end - s.begin > s.options.max_record_bytes) {  // fit in one block after all
      NARWHAL_RETURN_IF_ERROR(s.EmitMalformed(
          record, "record longer than " + std::to_string(s.options.max_record_bytes) + " bytes"));
      return true;
    }
    record.raw = std::string_view(s.buf.get() + s.begin, s.record_end - s.begin);
    record.line = s.line;
    record.offset = s.buf_offset + static_cast<int64_t>(s.begin);
    std::string reason;
    if (s.Encode(reason)) {
      s.Emit(record);
    } else {
      record.fields.clear();
      record.error = std::move(reason);
    }
    s.begin = s.next_begin;
    s.line += s.newlines;
    return true;
  }
}

}  // namespace narwhal
