// Metrics: a small registry of counters, gauges and histograms with labels, rendered in the
// Prometheus text exposition format (version 0.0.4) for GET /metrics.
//
// Hand-written on purpose: Debian 12 packages no Prometheus client library for C++
// (prometheus-cpp is not in bookworm), and what Narwhal needs — three metric kinds, labels,
// one text renderer — is a few hundred lines that we can read and test. There is no global
// registry: whoever owns the process creates one and passes it by reference.
//
// Thread-safety: every method of MetricsRegistry, Counter, Gauge and Histogram is safe to
// call from any thread. Updating a metric is lock-free; looking one up (Get*) takes the
// registry's lock, so hot paths should look a metric up once and keep the reference, which
// stays valid for the registry's lifetime.
#ifndef NARWHAL_BASE_METRICS_H_
#define NARWHAL_BASE_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/guarded.h"

namespace narwhal {

// Label names and values of one series, in the order given. Names must match
// [a-zA-Z_][a-zA-Z0-9_]*; values are any UTF-8 and are escaped when rendered.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A value that only goes up (requests served, rows imported).
class Counter {
 public:
  void Increment(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down (requests in flight, voters in the store).
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into fixed buckets (latencies, sizes).
class Histogram {
 public:
  // `bounds`: upper bounds of the buckets, strictly increasing; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);

  void Observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }
  // Non-cumulative count of bucket `i` (i == bounds().size() is the +Inf bucket).
  uint64_t bucket_count(size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1 entries
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Latency buckets in seconds, 1 ms to 10 s: what an HTTP request histogram wants.
std::vector<double> DefaultLatencyBuckets();

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The series `name{labels}`, created on first use. `help` is taken from the first call
  // for a name. Asking for one name as two different kinds is a programmer error
  // (asserted); in release builds the second kind gets a detached metric nobody renders.
  Counter& GetCounter(std::string_view name, std::string_view help,
                      const MetricLabels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  // `bounds` is taken from the first call for a name.
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          const MetricLabels& labels = {},
                          std::vector<double> bounds = DefaultLatencyBuckets());

  // Runs before every render, outside the registry's lock, so gauges that mirror some
  // other state (voters in the store) are fresh when scraped. A collector must not
  // outlive what it captures; it is kept for the registry's lifetime.
  void AddCollector(std::function<void()> collector);

  // Every family, sorted by name, each series sorted by labels, in the text format.
  std::string RenderPrometheus();

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Series {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    Kind kind = Kind::kCounter;
    std::string help;
    std::vector<double> bounds;
    std::map<std::string, Series> series;  // by rendered label set "{a=\"1\"}"
  };
  struct State {
    std::map<std::string, Family, std::less<>> families;
    std::vector<std::function<void()>> collectors;
    std::vector<Series> detached;  // kind mismatches; see GetCounter
  };

  Series& GetSeries(std::string_view name, std::string_view help, Kind kind,
                    const MetricLabels& labels, std::vector<double> bounds);

  Guarded<State> state_;
};

}  // namespace narwhal

#endif  // NARWHAL_BASE_METRICS_H_
