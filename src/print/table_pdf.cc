#include "print/table_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string_view>

namespace narwhal {
namespace {

// RAII for the C handles.
struct CairoSurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct GObjectDeleter {
  void operator()(void* o) const { g_object_unref(o); }
};
struct FontDescDeleter {
  void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, CairoSurfaceDeleter>;
using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;
using FontPtr = std::unique_ptr<PangoFontDescription, FontDescDeleter>;

constexpr double kPointsPerInch = 72;
constexpr double kMargin = 0.5 * kPointsPerInch;

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Draws text in a box of width `width` at (x, y); returns the height used.
class TextPainter {
 public:
  TextPainter(cairo_t* cr, double size) : cr_(cr), layout_(pango_cairo_create_layout(cr)) {
    regular_.reset(pango_font_description_from_string("DejaVu Sans"));
    pango_font_description_set_absolute_size(regular_.get(), size * PANGO_SCALE);
    bold_.reset(pango_font_description_copy(regular_.get()));
    pango_font_description_set_weight(bold_.get(), PANGO_WEIGHT_BOLD);
  }

  double Draw(std::string_view text, double x, double y, double width, bool bold = false,
              bool align_right = false, double scale = 1.0) {
    FontPtr font(pango_font_description_copy(bold ? bold_.get() : regular_.get()));
    if (scale != 1.0) {
      pango_font_description_set_absolute_size(font.get(),
                                               pango_font_description_get_size(font.get()) * scale);
    }
    pango_layout_set_font_description(layout_.get(), font.get());
    pango_layout_set_width(layout_.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_ellipsize(layout_.get(), PANGO_ELLIPSIZE_END);
    pango_layout_set_alignment(layout_.get(), align_right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    pango_layout_set_text(layout_.get(), text.data(), static_cast<int>(text.size()));
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout_.get());
    int w = 0;
    int h = 0;
    pango_layout_get_size(layout_.get(), &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

 private:
  cairo_t* cr_;
  LayoutPtr layout_;
  FontPtr regular_;
  FontPtr bold_;
};

Status Validate(const TableDocument& doc) {
  if (doc.columns.empty()) return InvalidArgument("a printed table needs at least one column");
  for (const auto& section : doc.sections) {
    for (size_t i = 0; i < section.rows.size(); ++i) {
      if (section.rows[i].size() != doc.columns.size()) {
        return InvalidArgument("row " + std::to_string(i + 1) + " of '" + section.heading +
                               "' has " + std::to_string(section.rows[i].size()) + " cells for " +
                               std::to_string(doc.columns.size()) + " columns");
      }
    }
  }
  return Status::Ok();
}

// Draws `map` fitted into the box (x, y, w, h): the route, the stops and their labels, a
// scale bar of a round length and an arrow pointing north.
void DrawRouteMap(cairo_t* cr, TextPainter& text, const PdfRouteMap& map, double x, double y,
                  double w, double h, double font_size) {
  double min_x = map.route[0].x, max_x = min_x, min_y = map.route[0].y, max_y = min_y;
  for (const PdfMapPoint& p : map.route) {
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  const double pad = font_size * 2;
  const double span = std::max({max_x - min_x, max_y - min_y, 50.0});  // at least 50 m
  const double scale = std::min((w - 2 * pad) / std::max(max_x - min_x, span * 0.05),
                                (h - 2 * pad) / std::max(max_y - min_y, span * 0.05));
  const double cx = x + w / 2;
  const double cy = y + h / 2;
  const double mx = (min_x + max_x) / 2;
  const double my = (min_y + max_y) / 2;
  auto at = [&](const PdfMapPoint& p) {
    return std::pair<double, double>{cx + (p.x - mx) * scale, cy - (p.y - my) * scale};
  };
  cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
  cairo_set_line_width(cr, 0.8);
  cairo_rectangle(cr, x, y, w, h);
  cairo_stroke(cr);
  // The route.
  cairo_set_source_rgb(cr, 0.76, 0.25, 0.05);
  cairo_set_line_width(cr, 1.6);
  for (size_t i = 0; i < map.route.size(); ++i) {
    auto [px, py] = at(map.route[i]);
    if (i == 0) {
      cairo_move_to(cr, px, py);
    } else {
      cairo_line_to(cr, px, py);
    }
  }
  cairo_stroke(cr);
  // The stops, numbered.
  const double r = font_size * 0.45;
  for (size_t i = 0; i < map.route.size(); ++i) {
    auto [px, py] = at(map.route[i]);
    cairo_new_path(cr);  // the label drawn last left a current point: start afresh
    cairo_arc(cr, px, py, r, 0, 2 * M_PI);
    if (i == 0) {
      cairo_set_source_rgb(cr, 0.12, 0.48, 0.23);  // the start
    } else {
      cairo_set_source_rgb(cr, 1, 1, 1);
    }
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.7);
    cairo_stroke(cr);
    text.Draw(map.route[i].label, px + r * 1.2, py - font_size * 1.1, font_size * 4, true);
  }
  // A scale bar of 1, 2 or 5 times a power of ten, about a fifth of the box.
  const double want = (w / 5) / scale;
  double metres = std::pow(10.0, std::floor(std::log10(want)));
  for (double f : {5.0, 2.0, 1.0}) {
    if (metres * f <= want) {
      metres *= f;
      break;
    }
  }
  const double bar = metres * scale;
  const double bx = x + font_size;
  const double by = y + h - font_size;
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 1.2);
  cairo_move_to(cr, bx, by - 3);
  cairo_line_to(cr, bx, by);
  cairo_line_to(cr, bx + bar, by);
  cairo_line_to(cr, bx + bar, by - 3);
  cairo_stroke(cr);
  char label[32];
  if (metres >= 1000) {
    std::snprintf(label, sizeof label, "%g km", metres / 1000);
  } else {
    std::snprintf(label, sizeof label, "%g m", metres);
  }
  text.Draw(label, bx + bar + font_size * 0.4, by - font_size * 1.1, font_size * 6, false, false,
            0.85);
  // North.
  const double nx = x + w - font_size * 1.5;
  const double ny = y + font_size * 1.2;
  cairo_move_to(cr, nx, ny);
  cairo_line_to(cr, nx - font_size * 0.4, ny + font_size * 1.4);
  cairo_line_to(cr, nx + font_size * 0.4, ny + font_size * 1.4);
  cairo_close_path(cr);
  cairo_fill(cr);
  text.Draw("N", nx - font_size * 0.35, ny + font_size * 1.5, font_size * 2, true);
}

}  // namespace

Result<std::string> RenderTablePdf(const TableDocument& doc) {
  NARWHAL_RETURN_IF_ERROR(Validate(doc));
  const double page_w = (doc.landscape ? 11 : 8.5) * kPointsPerInch;
  const double page_h = (doc.landscape ? 8.5 : 11) * kPointsPerInch;
  std::string out;
  SurfacePtr surface(cairo_pdf_surface_create_for_stream(AppendToString, &out, page_w, page_h));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Internal("cairo cannot create a PDF surface");
  }
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, doc.title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Narwhal");
  CairoPtr cr(cairo_create(surface.get()));
  TextPainter text(cr.get(), doc.font_size);

  const double usable_w = page_w - 2 * kMargin;
  const double box = doc.checkbox_column ? doc.font_size * 1.4 : 0;
  const double gap = doc.font_size * 0.6;
  const double table_x = kMargin + (doc.checkbox_column ? box + gap : 0);
  const double table_w = usable_w - (table_x - kMargin);
  double total_weight = 0;
  for (const auto& c : doc.columns) total_weight += c.width > 0 ? c.width : 1;
  std::vector<double> xs;
  std::vector<double> ws;
  double x = table_x;
  for (const auto& c : doc.columns) {
    double w = table_w * (c.width > 0 ? c.width : 1) / total_weight;
    xs.push_back(x);
    ws.push_back(w - gap);
    x += w;
  }
  const double row_h = doc.font_size * (doc.checkbox_column ? 2.0 : 1.6);
  const double header_block = doc.font_size * 5.2;
  const double footer_y = page_h - kMargin + doc.font_size * 0.2;
  const double body_top = kMargin + header_block;
  const double body_bottom = page_h - kMargin - doc.font_size * 2;
  const auto rows_per_page =
      std::max<size_t>(1, static_cast<size_t>((body_bottom - body_top) / row_h));

  for (const auto& section : doc.sections) {
    const size_t table_pages =
        std::max<size_t>(1, (section.rows.size() + rows_per_page - 1) / rows_per_page);
    const bool has_map = !section.map.route.empty();
    const bool has_cover = has_map || !section.notes.empty();
    const size_t pages = table_pages + (has_cover ? 1 : 0);
    auto footer = [&](size_t page) {
      char page_label[64];
      std::snprintf(page_label, sizeof page_label, "page %zu of %zu", page + 1, pages);
      text.Draw(doc.footer_note, kMargin, footer_y - doc.font_size, usable_w * 0.7, false, false,
                0.85);
      text.Draw(page_label, kMargin, footer_y - doc.font_size, usable_w, false, true, 0.85);
      cairo_show_page(cr.get());
    };
    if (has_cover) {
      cairo_set_source_rgb(cr.get(), 0, 0, 0);
      double y = kMargin;
      y += text.Draw(section.heading, kMargin, y, usable_w, true, false, 1.5);
      if (!section.subheading.empty()) y += text.Draw(section.subheading, kMargin, y + 2, usable_w);
      y += doc.font_size * 0.6;
      for (const std::string& note : section.notes) {
        y += text.Draw(note, kMargin, y, usable_w) + doc.font_size * 0.15;
      }
      const double map_top = y + doc.font_size;
      const double map_bottom = body_bottom - doc.font_size * 1.6;
      if (has_map && map_bottom - map_top > doc.font_size * 8) {
        DrawRouteMap(cr.get(), text, section.map, kMargin, map_top, usable_w, map_bottom - map_top,
                     doc.font_size);
        cairo_set_source_rgb(cr.get(), 0, 0, 0);
        text.Draw(section.map.caption, kMargin, map_bottom + doc.font_size * 0.4, usable_w);
      }
      footer(0);
    }
    for (size_t page = 0; page < table_pages; ++page) {
      cairo_set_source_rgb(cr.get(), 0, 0, 0);
      double y = kMargin;
      y += text.Draw(section.heading, kMargin, y, usable_w, true, false, 1.5);
      if (!section.subheading.empty()) {
        text.Draw(section.subheading, kMargin, y + 2, usable_w);
      }
      // Column header with a rule under it.
      double hy = body_top - doc.font_size * 1.8;
      for (size_t c = 0; c < doc.columns.size(); ++c) {
        text.Draw(doc.columns[c].title, xs[c], hy, ws[c], true, doc.columns[c].align_right);
      }
      cairo_set_line_width(cr.get(), 0.8);
      cairo_move_to(cr.get(), kMargin, body_top - doc.font_size * 0.3);
      cairo_line_to(cr.get(), page_w - kMargin, body_top - doc.font_size * 0.3);
      cairo_stroke(cr.get());

      size_t first = page * rows_per_page;
      size_t last = std::min(section.rows.size(), first + rows_per_page);
      for (size_t r = first; r < last; ++r) {
        double ry = body_top + static_cast<double>(r - first) * row_h;
        if ((r - first) % 2 == 1) {  // zebra stripes help the eye across a wide row
          cairo_set_source_rgb(cr.get(), 0.93, 0.93, 0.93);
          cairo_rectangle(cr.get(), kMargin, ry - doc.font_size * 0.2, usable_w, row_h);
          cairo_fill(cr.get());
          cairo_set_source_rgb(cr.get(), 0, 0, 0);
        }
        if (doc.checkbox_column) {
          cairo_set_line_width(cr.get(), 0.9);
          cairo_rectangle(cr.get(), kMargin, ry, box, box);
          cairo_stroke(cr.get());
        }
        double ty = ry + (doc.checkbox_column ? (box - doc.font_size * 1.2) / 2 : 0);
        for (size_t c = 0; c < doc.columns.size(); ++c) {
          std::string_view cell = section.rows[r][c];
          if (r == first && r > 0 && cell.empty() && doc.columns[c].carried) {
            // The top of a continued page says whose rows these are: the last value above.
            for (size_t above = r; above-- > 0 && cell.empty();) cell = section.rows[above][c];
          }
          text.Draw(cell, xs[c], ty, ws[c], false, doc.columns[c].align_right);
        }
      }
      footer(page + (has_cover ? 1 : 0));
    }
  }
  cr.reset();
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Internal(std::string("cairo failed to write the PDF: ") +
                    cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  surface.reset();
  return out;
}

Status WriteTablePdf(const TableDocument& doc, const std::string& path) {
  NARWHAL_ASSIGN_OR_RETURN(std::string bytes, RenderTablePdf(doc));
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Unavailable("cannot write " + tmp);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) return Unavailable("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Unavailable("cannot rename " + tmp + " to " + path + ": " + ec.message());
  return Status::Ok();
}

}  // namespace narwhal
