#include "base/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace narwhal {
namespace {

TEST(MetricsTest, CounterAndGaugeRenderWithLabels) {
  MetricsRegistry registry;
  registry.GetCounter("requests_total", "Requests.", {{"route", "a"}, {"status", "200"}})
      .Increment();
  registry.GetCounter("requests_total", "Requests.", {{"route", "a"}, {"status", "200"}})
      .Increment(2);
  registry.GetGauge("in_flight", "In flight.").Set(4);
  const std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("# HELP requests_total Requests.\n# TYPE requests_total counter\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("requests_total{route=\"a\",status=\"200\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE in_flight gauge\nin_flight 4\n"), std::string::npos) << text;
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  MetricsRegistry registry;
  registry.GetCounter("c", "h", {{"path", "a\"b\\c\nd"}}).Increment();
  EXPECT_NE(registry.RenderPrometheus().find("c{path=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  Histogram& h = registry.GetHistogram("latency_seconds", "Latency.", {{"route", "x"}}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.1);  // on the bound: counts in that bucket (le is "less or equal")
  h.Observe(0.5);
  h.Observe(7);
  const std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"x\",le=\"0.1\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"x\",le=\"1\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"x\",le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_sum{route=\"x\"} 7.65\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_count{route=\"x\"} 4\n"), std::string::npos);
}

TEST(MetricsTest, CollectorsRunBeforeRender) {
  MetricsRegistry registry;
  int scrapes = 0;
  registry.AddCollector([&] { registry.GetGauge("scrapes", "Scrapes.").Set(++scrapes); });
  EXPECT_NE(registry.RenderPrometheus().find("scrapes 1\n"), std::string::npos);
  EXPECT_NE(registry.RenderPrometheus().find("scrapes 2\n"), std::string::npos);
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  MetricsRegistry registry;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        registry.GetCounter("hits", "Hits.", {{"t", "x"}}).Increment();
        registry.GetHistogram("lat", "Lat.").Observe(0.002);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(registry.GetCounter("hits", "Hits.", {{"t", "x"}}).value(), 4000);
  EXPECT_EQ(registry.GetHistogram("lat", "Lat.").count(), 4000u);
}

}  // namespace
}  // namespace narwhal
