// Printable tables as PDF (cairo + pango): walk lists, strike lists, GOTV lists and
// credential sheets are all "sections of rows under a repeated column header".
//
// Text is UTF-8 and laid out by pango, so accented names print correctly; long cells are
// ellipsized to their column rather than overflowing. Every section starts on a new page
// and repeats its heading and the column header on each page it spans. Pages are numbered
// "page N of M" per section and carry the document's footer note.
//
// Thread-safety: the functions are reentrant; documents are plain values.
#ifndef NARWHAL_PRINT_TABLE_PDF_H_
#define NARWHAL_PRINT_TABLE_PDF_H_

#include <string>
#include <vector>

#include "base/status.h"

namespace narwhal {

struct PdfColumn {
  std::string title;
  double width = 1;          // relative width; columns share the printable width by it
  bool align_right = false;  // numbers
  // A blank cell means "as above" (a door's second voter): the first row of a continued
  // page prints the value from above instead, so a page never starts without it.
  bool carried = false;
};

// A route to draw on a page of its own: points in metres on a flat projection (x east,
// y north), joined in order, each circled with its label. No base map: the points are all
// there is, with a scale bar and a north arrow.
struct PdfMapPoint {
  double x = 0;
  double y = 0;
  std::string label;  // e.g. the stop number
};
struct PdfRouteMap {
  std::vector<PdfMapPoint> route;
  std::string caption;  // under the map
};

struct PdfSection {
  std::string heading;     // e.g. "WAKE — precinct 01-07 — strike list"
  std::string subheading;  // a second, smaller line (counts, instructions); may be empty
  std::vector<std::vector<std::string>> rows;  // each row has one cell per column
  // Lines printed on the section's first page, before the table (with the map when there
  // is one): what a canvasser reads out, what the columns' numbers mean.
  std::vector<std::string> notes;
  // When it has points, the section starts with a page showing it.
  PdfRouteMap map;
};

struct TableDocument {
  std::string title;        // PDF metadata title
  std::string footer_note;  // printed at the foot of every page, e.g. "printed 2026-11-02"
  std::vector<PdfColumn> columns;
  bool checkbox_column = false;  // a leading empty box per row, to tick by hand
  bool landscape = false;        // US Letter portrait by default
  double font_size = 9;          // points
  std::vector<PdfSection> sections;
};

// Renders `doc` to PDF bytes. kInvalidArgument when there are no columns or a row has the
// wrong number of cells; kInternal when cairo fails.
Result<std::string> RenderTablePdf(const TableDocument& doc);

// Renders and writes to `path` (replaced atomically via a temporary file).
Status WriteTablePdf(const TableDocument& doc, const std::string& path);

}  // namespace narwhal

#endif  // NARWHAL_PRINT_TABLE_PDF_H_
