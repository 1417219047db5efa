// Address-point files: coordinates for buildings (storage/household_store.h).
//
// `narwhal import addresses --format openaddresses FILE` reads the OpenAddresses CSV
// layout (LON, LAT, NUMBER, STREET, UNIT, CITY, DISTRICT, REGION, POSTCODE, ID; columns
// found by name, UNIT and POSTCODE optional), normalises NUMBER + STREET as a voter's
// residence is normalised, and replaces the points of the same source (the file name).
// A row with bad coordinates or no usable address goes to the rejects file with its line
// and reason; the rest load. When the file is read, the store regroups every source's
// points into sites, and buildings take coordinates from them.
//
// Thread-safety: as RunImport.
#ifndef NARWHAL_IMPORT_ADDRESS_POINTS_H_
#define NARWHAL_IMPORT_ADDRESS_POINTS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "storage/household_store.h"

namespace narwhal {

struct AddressPointOptions {
  std::string path;
  std::string format = "openaddresses";  // the only layout so far
  std::string source;                    // empty: the file's name
  std::string rejects_path;              // empty: PATH.rejects.tsv
  int batch_rows = 20000;
};

struct AddressPointSummary {
  int64_t rows = 0;      // data records read
  int64_t stored = 0;    // points loaded
  int64_t rejected = 0;  // written to the rejects file
  AddressSitesSummary sites;
  double seconds = 0;
  std::string rejects_path;  // empty when nothing was rejected

  std::string ToJson() const;  // one line, for scripts
};

// One data row of an OpenAddresses file: a point, or (reason set) why it is not one.
struct AddressPointRow {
  int64_t line = 0;
  std::string_view raw;           // the record as in the file; valid during the callback
  std::string number_and_street;  // "1400 Abercrombie Drive"
  NormalizedAddress address;
  std::string unit;
  std::string postcode;  // five digits, or empty
  double lon = 0;
  double lat = 0;
  std::string column;  // of a bad row: the column at fault (may be empty), and why
  std::string reason;
};

// Calls `row` for each data row of the OpenAddresses file at `path`, stopping at the
// first error it returns; returns the rows read. kInvalidArgument for a header without
// LON, LAT, NUMBER and STREET (before any call), kNotFound when the file cannot be opened.
Result<int64_t> ReadOpenAddresses(const std::string& path,
                                  const std::function<Status(const AddressPointRow&)>& row);

// kInvalidArgument (nothing written) for an unknown format or a header without LON, LAT,
// NUMBER and STREET; kNotFound when the file cannot be opened.
Result<AddressPointSummary> RunImportAddressPoints(HouseholdStore& store,
                                                   const AddressPointOptions& options);

}  // namespace narwhal

#endif  // NARWHAL_IMPORT_ADDRESS_POINTS_H_
