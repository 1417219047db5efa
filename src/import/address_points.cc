#include "import/address_points.h"

#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "base/text.h"
#include "import/csv_reader.h"
#include "import/rejects_file.h"

namespace narwhal {
namespace {

// A whole field as a finite number in [lo, hi].
std::optional<double> ParseCoordinate(std::string_view text, double lo, double hi) {
  text = TrimAscii(text);
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value) || value < lo || value > hi) return std::nullopt;
  return value;
}

std::string Postcode(std::string_view text) {
  std::string digits;
  for (char c : TrimAscii(text)) {
    if (c < '0' || c > '9') break;
    digits.push_back(c);
  }
  return digits.size() >= 5 ? digits.substr(0, 5) : std::string();
}

struct Columns {
  int lon = -1, lat = -1, number = -1, street = -1, unit = -1, postcode = -1;
};

}  // namespace

std::string AddressPointSummary::ToJson() const {
  boost::json::object o;
  o["rows"] = rows;
  o["stored"] = stored;
  o["rejected"] = rejected;
  o["points"] = sites.points;
  o["sites"] = sites.sites;
  o["ambiguous_sites"] = sites.ambiguous;
  o["milliseconds"] = static_cast<int64_t>(std::llround(seconds * 1000));
  o["rejects_path"] = rejects_path;
  return boost::json::serialize(o);
}

Result<int64_t> ReadOpenAddresses(const std::string& path,
                                  const std::function<Status(const AddressPointRow&)>& row) {
  NARWHAL_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, OpenFileSource(path));
  CsvOptions csv;
  csv.delimiter = ',';
  CsvReader reader(std::move(source), csv);
  CsvRecord record;
  NARWHAL_ASSIGN_OR_RETURN(bool any, reader.Next(record));
  const std::string not_the_format = "'" + path +
                                     "' is not an OpenAddresses file: its header needs LON, "
                                     "LAT, NUMBER and STREET";
  if (!any || !record.error.empty()) return InvalidArgument(not_the_format);
  Columns c;
  const size_t width = record.fields.size();
  for (size_t i = 0; i < width; ++i) {
    std::string name = AsciiLower(TrimAscii(record.fields[i]));
    int* slot = name == "lon"        ? &c.lon
                : name == "lat"      ? &c.lat
                : name == "number"   ? &c.number
                : name == "street"   ? &c.street
                : name == "unit"     ? &c.unit
                : name == "postcode" ? &c.postcode
                                     : nullptr;
    if (slot != nullptr && *slot < 0) *slot = static_cast<int>(i);
  }
  if (c.lon < 0 || c.lat < 0 || c.number < 0 || c.street < 0) {
    return InvalidArgument(not_the_format);
  }
  auto field = [&](int column) -> std::string_view {
    return column < 0 ? std::string_view() : TrimAscii(record.fields[static_cast<size_t>(column)]);
  };
  int64_t rows = 0;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool more, reader.Next(record));
    if (!more) return rows;
    ++rows;
    AddressPointRow r;
    r.line = record.line;
    r.raw = record.raw;
    if (!record.error.empty()) {
      r.reason = record.error;
    } else if (record.fields.size() != width) {
      r.reason = "has " + std::to_string(record.fields.size()) + " fields, expected " +
                 std::to_string(width);
    } else {
      std::optional<double> lon = ParseCoordinate(field(c.lon), -180, 180);
      std::optional<double> lat = ParseCoordinate(field(c.lat), -90, 90);
      r.number_and_street = std::string(field(c.number)) + " " + std::string(field(c.street));
      r.address = NormalizeAddress(r.number_and_street);
      if (!lon) {
        r.column = "LON";
        r.reason = "is not a longitude";
      } else if (!lat) {
        r.column = "LAT";
        r.reason = "is not a latitude";
      } else if (field(c.street).empty()) {
        r.column = "STREET";
        r.reason = "is empty";
      } else if (r.address.kind != AddressKind::kStreet) {
        r.column = "NUMBER";
        r.reason = r.address.problem;
      } else {
        r.unit = std::string(field(c.unit));
        r.postcode = Postcode(field(c.postcode));
        r.lon = *lon;
        r.lat = *lat;
      }
    }
    NARWHAL_RETURN_IF_ERROR(row(r));
  }
}

Result<AddressPointSummary> RunImportAddressPoints(HouseholdStore& store,
                                                   const AddressPointOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (options.format != "openaddresses") {
    return InvalidArgument("unknown address-point format '" + options.format +
                           "' (known: openaddresses)");
  }
  const std::string source_name = options.source.empty()
                                      ? std::filesystem::path(options.path).filename().string()
                                      : options.source;
  AddressPointSummary summary;
  RejectsFile rejects(options.rejects_path.empty() ? options.path + ".rejects.tsv"
                                                   : options.rejects_path);
  // The source's old points go when the first row arrives: a file whose header is wrong
  // fails before that and changes nothing.
  bool begun = false;
  auto begin = [&]() -> Status {
    if (begun) return Status::Ok();
    begun = true;
    return store.BeginAddressPoints(source_name);
  };
  std::vector<AddressPoint> batch;
  const auto batch_rows = static_cast<size_t>(std::max(1, options.batch_rows));
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    NARWHAL_RETURN_IF_ERROR(store.AppendAddressPoints(source_name, batch));
    summary.stored += static_cast<int64_t>(batch.size());
    batch.clear();
    return Status::Ok();
  };
  NARWHAL_ASSIGN_OR_RETURN(summary.rows,
                           ReadOpenAddresses(options.path, [&](const AddressPointRow& r) -> Status {
                             NARWHAL_RETURN_IF_ERROR(begin());
                             if (!r.reason.empty())
                               return rejects.Add(r.line, r.column, r.reason, r.raw);
                             AddressPoint p;
                             p.line = r.line;
                             p.match_key = BuildingMatchKey(r.address);
                             p.unit = r.unit;
                             p.postcode = r.postcode;
                             p.lon = r.lon;
                             p.lat = r.lat;
                             batch.push_back(std::move(p));
                             return batch.size() >= batch_rows ? flush() : Status::Ok();
                           }));
  NARWHAL_RETURN_IF_ERROR(begin());
  NARWHAL_RETURN_IF_ERROR(flush());
  NARWHAL_RETURN_IF_ERROR(rejects.Close());
  NARWHAL_ASSIGN_OR_RETURN(summary.sites, store.FinishAddressPoints());
  summary.rejected = rejects.count();
  summary.rejects_path = rejects.written_path();
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace narwhal
