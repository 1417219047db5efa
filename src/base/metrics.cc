#include "base/metrics.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>

namespace narwhal {
namespace {

void AppendEscapedLabelValue(std::string_view v, std::string& out) {
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

// "{a=\"1\",b=\"2\"}", or "" with no labels. Also the key of a series in its family.
std::string RenderLabels(const MetricLabels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += labels[i].first;
    out += "=\"";
    AppendEscapedLabelValue(labels[i].second, out);
    out += '"';
  }
  out += '}';
  return out;
}

// One sample line: `name{labels} value`.
void AppendSample(std::string& out, std::string_view name, std::string_view labels,
                  std::string_view value) {
  out.append(name).append(labels).append(" ").append(value).append("\n");
}

// Adds one label to an already rendered label set (for histogram "le").
std::string WithLabel(const std::string& rendered, std::string_view name, std::string_view value) {
  std::string extra = std::string(name) + "=\"" + std::string(value) + "\"";
  if (rendered.empty()) return "{" + extra + "}";
  return rendered.substr(0, rendered.size() - 1) + "," + extra + "}";
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Shortest text that reads back as the same double (narwhal_base does not link fmt).
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

// Help text escapes only backslash and newline.
std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()));
}

void Histogram::Observe(double v) {
  const size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

MetricsRegistry::Series& MetricsRegistry::GetSeries(std::string_view name, std::string_view help,
                                                    Kind kind, const MetricLabels& labels,
                                                    std::vector<double> bounds) {
  auto locked = state_.Lock();
  auto it = locked->families.find(name);
  if (it == locked->families.end()) {
    Family family;
    family.kind = kind;
    family.help = std::string(help);
    family.bounds = std::move(bounds);
    it = locked->families.emplace(std::string(name), std::move(family)).first;
  }
  Family& family = it->second;
  if (family.kind != kind) {
    assert(false && "metric requested as two different kinds");
    Series& detached = locked->detached.emplace_back();
    detached.counter = std::make_unique<Counter>();
    detached.gauge = std::make_unique<Gauge>();
    detached.histogram = std::make_unique<Histogram>(DefaultLatencyBuckets());
    return detached;
  }
  auto [series_it, inserted] = family.series.try_emplace(RenderLabels(labels));
  Series& series = series_it->second;
  if (inserted) {
    switch (kind) {
      case Kind::kCounter: series.counter = std::make_unique<Counter>(); break;
      case Kind::kGauge: series.gauge = std::make_unique<Gauge>(); break;
      case Kind::kHistogram: series.histogram = std::make_unique<Histogram>(family.bounds); break;
    }
  }
  return series;
}

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     const MetricLabels& labels) {
  return *GetSeries(name, help, Kind::kCounter, labels, {}).counter;
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help,
                                 const MetricLabels& labels) {
  return *GetSeries(name, help, Kind::kGauge, labels, {}).gauge;
}

Histogram& MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         const MetricLabels& labels, std::vector<double> bounds) {
  return *GetSeries(name, help, Kind::kHistogram, labels, std::move(bounds)).histogram;
}

void MetricsRegistry::AddCollector(std::function<void()> collector) {
  state_.With([&](State& s) { s.collectors.push_back(std::move(collector)); });
}

std::string MetricsRegistry::RenderPrometheus() {
  // Collectors update gauges through Get*, which takes the lock: run them without it.
  std::vector<std::function<void()>> collectors =
      state_.With([](State& s) { return s.collectors; });
  for (auto& collect : collectors) collect();

  std::string out;
  auto locked = state_.Lock();
  for (const auto& [name, family] : locked->families) {
    static constexpr std::string_view kTypes[] = {"counter", "gauge", "histogram"};
    out += "# HELP " + name + " " + EscapeHelp(family.help) + "\n";
    out += "# TYPE " + name + " " + std::string(kTypes[static_cast<int>(family.kind)]) + "\n";
    for (const auto& [labels, series] : family.series) {
      switch (family.kind) {
        case Kind::kCounter:
          AppendSample(out, name, labels, FormatValue(series.counter->value()));
          break;
        case Kind::kGauge:
          AppendSample(out, name, labels, FormatValue(series.gauge->value()));
          break;
        case Kind::kHistogram: {
          const Histogram& h = *series.histogram;
          uint64_t cumulative = 0;
          for (size_t i = 0; i <= h.bounds().size(); ++i) {
            cumulative += h.bucket_count(i);
            const std::string le =
                i < h.bounds().size() ? FormatValue(h.bounds()[i]) : std::string("+Inf");
            AppendSample(out, name + "_bucket", WithLabel(labels, "le", le),
                         std::to_string(cumulative));
          }
          AppendSample(out, name + "_sum", labels, FormatValue(h.sum()));
          AppendSample(out, name + "_count", labels, std::to_string(h.count()));
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace narwhal
